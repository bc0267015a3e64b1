package io.meso.webui;

import io.meso.testkit.OnContext;
import static org.assertj.core.api.Assertions.assertThat;

import io.meso.proto.ReadFileRequest;
import io.meso.proto.ReadFileResponse;
import io.meso.codecs.Addresses;
import io.meso.codecs.MesoCodecs;
import com.google.protobuf.ByteString;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
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

  static Vertx vertx;
  static HttpServer server;
  static HttpClient http;
  static io.vertx.core.Context CTX;
  static final List<String> pathsRead = new CopyOnWriteArrayList<>();

  record Resp(int status, MultiMap headers, String body) {}

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    MesoCodecs.register(vertx);
    vertx.eventBus().<Object>consumer(Addresses.OPERATOR, msg -> {
      if (msg.body() instanceof ReadFileRequest read) {
        pathsRead.add(read.getPath());
        ByteString data = read.getOffset() == 0 ? ByteString.copyFromUtf8("file body\n") : ByteString.EMPTY;
        msg.reply(ReadFileResponse.newBuilder().setData(data).setOffset(read.getOffset()).setSize(10).build());
      } else {
        msg.fail(400, "unexpected " + msg.body());
      }
    }).completion().await(10, TimeUnit.SECONDS);
    Router router = Router.router(vertx);
    new WebUi(vertx, 5_000).mount(router);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
    http = vertx.createHttpClient();
    CTX = vertx.getOrCreateContext();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  static Resp download(String path) throws Exception {
    String uri = "/files/download?task_id=t&path=" + URLEncoder.encode(path, StandardCharsets.UTF_8).replace("+", "%20");
    return OnContext.run(CTX, () -> http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
            .setPort(server.actualPort()).setURI(uri))
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> new Resp(resp.statusCode(), resp.headers(), b.toString())))
        ).await(20, TimeUnit.SECONDS);
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
