package io.meso.agent;

import io.meso.testkit.Fifos;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task that attacks the agent's file browser from inside its sandbox: swapping a directory
 * with a symbolic link to a host directory while the agent reads, hard-linking a host file,
 * putting a named pipe where a file was. Secrets stay outside; the agent never blocks.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SandboxEscapeTest {

  private static final String SECRET = "host secret: root:$6$never-served";

  @TempDir
  Path root;

  private Path sandbox;
  private Path outside;

  @BeforeEach
  void setUp() throws Exception {
    sandbox = Files.createDirectories(root.resolve("frameworks/fw/tasks/t"));
    outside = Files.createDirectories(root.resolve("host-etc"));
    Files.writeString(outside.resolve("shadow"), SECRET);
  }

  private static int refusalCode(Path sandbox, String path) {
    try {
      SandboxFiles.read(sandbox, path, 0, 0);
      throw new AssertionError("expected '" + path + "' to be refused");
    } catch (SandboxFiles.Refusal refusal) {
      return refusal.code;
    }
  }

  /**
   * {@code A} keeps flipping (atomic renames) between a real directory holding a harmless
   * {@code shadow} and a symbolic link to a host directory holding the secret one, while 2,000
   * reads of {@code A/shadow} run. Check-then-open code served the secret ~6 % of the time.
   */
  @Test
  void aDirectorySwappedWithALinkWhileReadingNeverServesTheHostFile() throws Exception {
    Path realDir = Files.createDirectories(sandbox.resolve("A.dir"));
    Files.writeString(realDir.resolve("shadow"), "harmless");
    Path link = Files.createSymbolicLink(sandbox.resolve("A.link"), outside);
    Path a = sandbox.resolve("A");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong swaps = new AtomicLong();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Thread swapper = new Thread(() -> {
      try {
        while (!stop.get() && System.nanoTime() < deadline) {
          Files.move(realDir, a, StandardCopyOption.ATOMIC_MOVE);
          Files.move(a, realDir, StandardCopyOption.ATOMIC_MOVE);
          Files.move(link, a, StandardCopyOption.ATOMIC_MOVE);
          Files.move(a, link, StandardCopyOption.ATOMIC_MOVE);
          swaps.incrementAndGet();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, "sandbox-swapper");
    swapper.setDaemon(true);
    swapper.start();
    int served = 0;
    int harmless = 0;
    try {
      for (int i = 0; i < 2_000 && System.nanoTime() < deadline; i++) {
        try {
          String data = SandboxFiles.read(sandbox, "A/shadow", 0, 0).getData().toStringUtf8();
          served++;
          assertThat(data).as("read %d of A/shadow after %d swaps", i, swaps.get()).isEqualTo("harmless");
          harmless++;
        } catch (SandboxFiles.Refusal refused) {
          assertThat(refused.code).as(refused.getMessage()).isIn(403, 404);
        }
      }
    } finally {
      stop.set(true);
      swapper.join(10_000);
    }
    assertThat(swaps.get()).as("the swapper ran").isPositive();
    assertThat(harmless).isEqualTo(served);
  }

  @Test
  void aHardLinkToAHostFileIsRefused() throws Exception {
    Files.createLink(sandbox.resolve("shadow"), outside.resolve("shadow"));

    assertThatThrownBy(() -> SandboxFiles.read(sandbox, "shadow", 0, 0))
        .isInstanceOf(SandboxFiles.Refusal.class)
        .hasMessageContaining("shadow").hasMessageContaining("hard link")
        .satisfies(e -> assertThat(((SandboxFiles.Refusal) e).code).isEqualTo(403));
  }

  @Test
  void aNamedPipeIsRefusedWithoutBlocking() throws Exception {
    Path fifo = sandbox.resolve("pipe");
    Fifos.make(fifo);

    // Opening a pipe for reading blocks until a writer comes: refused before opening, at once.
    SandboxFiles.Refusal refusal = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> Assertions.assertThrows(SandboxFiles.Refusal.class, () -> SandboxFiles.read(sandbox, "pipe", 0, 0)));
    assertThat(refusal.code).isEqualTo(403);
    assertThat(refusal.getMessage()).contains("pipe").contains("not a regular file");
  }

  @Test
  void linksAreNotFollowedAtAnyComponentNorListed() throws Exception {
    Files.createSymbolicLink(sandbox.resolve("etc"), outside);
    Files.createDirectories(sandbox.resolve("sub"));
    Files.createSymbolicLink(sandbox.resolve("sub/up"), sandbox);
    Files.writeString(sandbox.resolve("stdout"), "out");

    assertThat(refusalCode(sandbox, "etc/shadow")).isEqualTo(403);
    assertThat(refusalCode(sandbox, "sub/up/stdout")).isEqualTo(403);
    assertThatThrownBy(() -> SandboxFiles.list(sandbox, "etc")).isInstanceOf(SandboxFiles.Refusal.class)
        .hasMessageContaining("symbolic link");
    assertThatThrownBy(() -> SandboxFiles.list(sandbox, "etc/")).isInstanceOf(SandboxFiles.Refusal.class)
        .hasMessageContaining("symbolic link");
    // Listed as a link (not a directory, the link's own size), never as the host directory.
    var entries = SandboxFiles.list(sandbox, "").getFilesList();
    assertThat(entries).extracting(e -> e.getPath()).containsExactly("etc", "stdout", "sub");
    assertThat(entries.get(0).getDirectory()).isFalse();
    assertThat(SandboxFiles.read(sandbox, "stdout", 0, 0).getData().toStringUtf8()).isEqualTo("out");
  }

  @Test
  void aSandboxThatIsItselfALinkIsRefused() throws Exception {
    Path task = root.resolve("frameworks/fw/tasks/linked");
    Files.createSymbolicLink(task, outside);

    assertThat(refusalCode(task, "shadow")).isEqualTo(403);
  }
}
