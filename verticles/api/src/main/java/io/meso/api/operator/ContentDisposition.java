package io.meso.api.operator;

import java.nio.charset.StandardCharsets;

/**
 * The Content-Disposition header of a sandbox file download (RFC 6266): an ASCII
 * {@code filename="..."} for old clients, with every character that is not printable ASCII, and
 * the quote and backslash, replaced by '_'; and {@code filename*=UTF-8''...}, the exact name
 * percent-encoded per RFC 5987 (attr-char kept, every other UTF-8 byte as %XX). A file name is
 * chosen by the task, so it may hold CR/LF or other control characters that must never reach a
 * header raw (Vert.x refuses such a header, and the download never ended).
 */
final class ContentDisposition {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private ContentDisposition() {}

  /** {@code attachment; filename="<ascii>"; filename*=UTF-8''<encoded>}; "download" for an empty name. */
  static String attachment(String fileName) {
    String name = fileName == null || fileName.isEmpty() ? "download" : fileName;
    StringBuilder ascii = new StringBuilder(name.length());
    name.codePoints().forEach(c -> ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? (char) c : '_'));
    StringBuilder encoded = new StringBuilder(name.length() * 3);
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (attrChar(c)) {
        encoded.append((char) c);
      } else {
        encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }

  /** RFC 5987 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~". */
  private static boolean attrChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$&+-.^_`|~".indexOf(c) >= 0;
  }
}
