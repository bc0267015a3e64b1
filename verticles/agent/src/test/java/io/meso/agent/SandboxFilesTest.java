package io.meso.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.proto.ReadFileResponse;
import io.meso.proto.SandboxFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SandboxFilesTest {

  @TempDir
  Path root;

  private Path sandbox;

  @BeforeEach
  void sandbox() throws Exception {
    sandbox = Files.createDirectories(root.resolve("sandbox"));
    Files.writeString(sandbox.resolve("stdout"), "0123456789");
    Files.createDirectories(sandbox.resolve("sub"));
    Files.writeString(sandbox.resolve("sub/inner.txt"), "inner");
    Files.writeString(root.resolve("secret"), "outside");
    Files.createSymbolicLink(sandbox.resolve("etc-link"), Path.of("/etc"));
    Files.createSymbolicLink(sandbox.resolve("secret-link"), root.resolve("secret"));
    Files.createSymbolicLink(sandbox.resolve("inner-link"), sandbox.resolve("sub/inner.txt"));
  }

  private int refusalCode(String path) {
    try {
      SandboxFiles.read(sandbox, path, 0, 0);
      throw new AssertionError("expected '" + path + "' to be refused");
    } catch (SandboxFiles.Refusal refusal) {
      return refusal.code;
    }
  }

  @ParameterizedTest
  @CsvSource({
      "../../etc/passwd, 403",
      "../secret, 403",
      "sub/../../secret, 403",
      "/etc/passwd, 403",
      "etc-link/passwd, 403",
      "secret-link, 403",
      "inner-link, 403",
      "missing, 404",
      "sub/missing, 404",
      "sub, 400"})
  void refusesWhatIsNotASandboxFile(String path, int code) {
    assertThat(refusalCode(path)).isEqualTo(code);
  }

  @Test
  void readsWithOffsetLengthAndCap() throws Exception {
    assertThat(SandboxFiles.read(sandbox, "stdout", 0, 0).getData().toStringUtf8()).isEqualTo("0123456789");
    ReadFileResponse part = SandboxFiles.read(sandbox, "stdout", 3, 4);
    assertThat(part.getData().toStringUtf8()).isEqualTo("3456");
    assertThat(part.getOffset()).isEqualTo(3);
    assertThat(part.getSize()).isEqualTo(10);
    assertThat(SandboxFiles.read(sandbox, "stdout", 20, 4).getData().isEmpty()).isTrue();
    ReadFileResponse sizeOnly = SandboxFiles.read(sandbox, "stdout", -1, 0);
    assertThat(sizeOnly.getData().isEmpty()).isTrue();
    assertThat(sizeOnly.getSize()).isEqualTo(10);
    assertThat(SandboxFiles.read(sandbox, "./sub/../sub/inner.txt", 0, 0).getData().toStringUtf8()).isEqualTo("inner");

    Files.write(sandbox.resolve("big"), new byte[3 << 20]);
    assertThat(SandboxFiles.read(sandbox, "big", 0, 10L << 20).getData().size()).isEqualTo(1 << 20);
  }

  @Test
  void listsDirectoriesRelativeToTheSandbox() throws Exception {
    assertThat(SandboxFiles.list(sandbox, "").getFilesList()).extracting(SandboxFile::getPath)
        .containsExactly("etc-link", "inner-link", "secret-link", "stdout", "sub");
    assertThat(SandboxFiles.list(sandbox, "sub").getFilesList()).extracting(SandboxFile::getPath, SandboxFile::getSize)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("sub/inner.txt", 5L));
    assertThat(SandboxFiles.list(sandbox, "").getFiles(4).getDirectory()).isTrue();
    assertThatThrownBy(() -> SandboxFiles.list(sandbox, "etc-link"))
        .isInstanceOf(SandboxFiles.Refusal.class).hasMessageContaining("symbolic link");
    assertThatThrownBy(() -> SandboxFiles.list(sandbox, "../"))
        .isInstanceOf(SandboxFiles.Refusal.class).hasMessageContaining("outside");
  }

  @Test
  void aMissingSandboxIsNotFound() {
    assertThatThrownBy(() -> SandboxFiles.read(root.resolve("nope"), "stdout", 0, 0))
        .isInstanceOf(SandboxFiles.Refusal.class)
        .satisfies(e -> assertThat(((SandboxFiles.Refusal) e).code).isEqualTo(404));
  }
}
