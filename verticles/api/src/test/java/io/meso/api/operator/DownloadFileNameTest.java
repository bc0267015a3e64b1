package io.meso.api.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.meso.api.operator.OperatorApiFixture.Resp;
import io.meso.proto.ReadFileRequest;
import io.meso.proto.ReadFileResponse;
import io.vertx.core.http.HttpMethod;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Sandbox file names are chosen by tasks: a download of a file whose name holds CR/LF (or
 * quotes, or non-ASCII) answers, with an RFC 6266 Content-Disposition that carries the exact
 * name encoded and an ASCII fallback, and never a header injected by the name. A stand-in master
 * on the operator address serves the file's bytes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DownloadFileNameTest {

  static OperatorApiFixture api;
  static final List<String> pathsRead = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    api = OperatorApiFixture.start(5_000, msg -> {
      if (msg.body() instanceof ReadFileRequest read) {
        pathsRead.add(read.getPath());
        ByteString data = read.getOffset() == 0 ? ByteString.copyFromUtf8("file body\n") : ByteString.EMPTY;
        msg.reply(ReadFileResponse.newBuilder().setData(data).setOffset(read.getOffset()).setSize(10).build());
      } else {
        msg.fail(400, "unexpected " + msg.body());
      }
    });
  }

  @AfterAll
  static void stop() throws Exception {
    api.close();
  }

  static Resp download(String path) throws Exception {
    return api.send(HttpMethod.GET, "/files/download?task_id=t&path="
        + URLEncoder.encode(path, StandardCharsets.UTF_8).replace("+", "%20"), null);
  }

  @Test
  void aFileNameWithCrLfDownloadsWithAnEncodedNameAndNoInjectedHeader() throws Exception {
    String path = "logs/evil\r\nSet-Cookie: pwned=1\r\n\".txt";

    Resp r = download(path);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("file body\n");
    assertThat(pathsRead).contains(path);
    assertThat(r.headers().get("Set-Cookie")).isNull();
    assertThat(r.headers().get("Content-Disposition")).isEqualTo("attachment; filename=\"evil__Set-Cookie: pwned=1___.txt\"; "
        + "filename*=UTF-8''evil%0D%0ASet-Cookie%3A%20pwned%3D1%0D%0A%22.txt");
  }

  @Test
  void aPlainAndANonAsciiNameDownload() throws Exception {
    assertThat(download("stdout").headers().get("Content-Disposition"))
        .isEqualTo("attachment; filename=\"stdout\"; filename*=UTF-8''stdout");
    Resp r = download("résumé λ.txt");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().get("Content-Disposition"))
        .isEqualTo("attachment; filename=\"r_sum_ _.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%CE%BB.txt");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "a.txt | attachment; filename=\"a.txt\"; filename*=UTF-8''a.txt",
      "a\\b\"c | attachment; filename=\"a_b_c\"; filename*=UTF-8''a%5Cb%22c",
      "tab\there | attachment; filename=\"tab_here\"; filename*=UTF-8''tab%09here",
      "'' | attachment; filename=\"download\"; filename*=UTF-8''download"})
  void headerValues(String name, String header) {
    assertThat(ContentDisposition.attachment(name.replace("\\t", "\t"))).isEqualTo(header);
  }
}
