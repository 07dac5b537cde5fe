package dev.ferry.tunnel.aws;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.UUID;

/** AWS-style error responses, in the format the client's protocol expects. */
final class AwsErrors {

    private AwsErrors() {
    }

    static String code(SigV4Exception.Reason reason, boolean s3) {
        return switch (reason) {
            case MISSING_AUTHENTICATION -> s3 ? "AccessDenied" : "MissingAuthenticationToken";
            case INVALID_ACCESS_KEY -> s3 ? "InvalidAccessKeyId" : "InvalidClientTokenId";
            case SIGNATURE_MISMATCH -> "SignatureDoesNotMatch";
            case TIME_SKEWED -> s3 ? "RequestTimeTooSkewed" : "InvalidSignatureException";
            case EXPIRED -> s3 ? "AccessDenied" : "ExpiredTokenException";
            case BAD_DIGEST -> s3 ? "BadDigest" : "SignatureDoesNotMatch";
            case MALFORMED, UNSUPPORTED -> s3 ? "AccessDenied" : "IncompleteSignature";
            case SCOPE_MALFORMED, SCOPE_MISMATCH -> s3 ? "AuthorizationHeaderMalformed" : "InvalidSignatureException";
            case UNSIGNED_HEADERS -> s3 ? "AccessDenied" : "IncompleteSignature";
        };
    }

    /** 400 for a malformed scope (as S3 answers AuthorizationHeaderMalformed), 403 for the rest. */
    static HttpResponseStatus status(SigV4Exception.Reason reason) {
        return reason == SigV4Exception.Reason.SCOPE_MALFORMED ? HttpResponseStatus.BAD_REQUEST
                : HttpResponseStatus.FORBIDDEN;
    }

    /**
     * @param s3          S3's bare {@code <Error>} document
     * @param contentType the request's Content-Type: JSON protocols get {@code {"__type","message"}}
     */
    static FullHttpResponse response(ByteBufAllocator alloc, HttpResponseStatus status, String code, String message,
                                     boolean s3, String contentType) {
        String requestId = UUID.randomUUID().toString();
        String body;
        String type;
        if (!s3 && contentType != null && contentType.contains("json")) {
            type = contentType.startsWith("application/x-amz-json") ? contentType : "application/json";
            body = "{\"__type\":\"" + json(code) + "\",\"message\":\"" + json(message) + "\"}";
        } else if (s3) {
            type = "application/xml";
            body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + xml(code) + "</Code><Message>"
                    + xml(message) + "</Message><RequestId>" + requestId + "</RequestId></Error>";
        } else {
            type = "text/xml";
            body = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>"
                    + xml(code) + "</Code><Message>" + xml(message) + "</Message></Error><RequestId>" + requestId
                    + "</RequestId></ErrorResponse>";
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                ByteBufUtil.writeUtf8(alloc, body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                .set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes())
                .set("x-amzn-RequestId", requestId)
                .set("x-amzn-ErrorType", code);
        return r;
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
