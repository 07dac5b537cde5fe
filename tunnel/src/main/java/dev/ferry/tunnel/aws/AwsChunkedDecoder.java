package dev.ferry.tunnel.aws;

import dev.ferry.tunnel.aws.SigV4Exception.Reason;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Incremental decoder of the {@code aws-chunked} content encoding (S3 streaming
 * uploads): {@code hex-size[;chunk-signature=sig]CRLF data CRLF ... 0[;...]CRLF
 * [trailer-name:value CRLF]* CRLF}. Hand-written: no library parses this AWS-specific
 * framing incrementally, and the proxy must never buffer whole bodies.
 */
final class AwsChunkedDecoder {

    interface Listener {
        void chunkStart(long size, String signature) throws SigV4Exception;

        /** A slice of chunk data (valid only during the call; retain to keep). */
        void data(ByteBuf slice) throws SigV4Exception;

        void chunkEnd() throws SigV4Exception;

        void trailer(String name, String value) throws SigV4Exception;

        void end() throws SigV4Exception;
    }

    private enum State { SIZE_LINE, DATA, DATA_CRLF, TRAILER, DONE }

    private static final int MAX_LINE = 8192;
    private final Listener listener;
    private final StringBuilder line = new StringBuilder();
    private State state = State.SIZE_LINE;
    private long remaining;
    private int crlfSeen;

    AwsChunkedDecoder(Listener listener) {
        this.listener = listener;
    }

    boolean done() {
        return state == State.DONE;
    }

    void feed(ByteBuf in) throws SigV4Exception {
        int i = in.readerIndex();
        int end = in.writerIndex();
        while (i < end) {
            switch (state) {
                case SIZE_LINE, TRAILER -> {
                    byte b = in.getByte(i++);
                    if (b == '\n') {
                        String l = line.toString();
                        line.setLength(0);
                        if (!l.endsWith("\r")) {
                            throw malformed();
                        }
                        onLine(l.substring(0, l.length() - 1));
                    } else {
                        if (line.length() >= MAX_LINE) {
                            throw malformed();
                        }
                        line.append((char) (b & 0xff));
                    }
                }
                case DATA -> {
                    int n = (int) Math.min(remaining, end - i);
                    listener.data(in.slice(i, n));
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.DATA_CRLF;
                        crlfSeen = 0;
                    }
                }
                case DATA_CRLF -> {
                    byte b = in.getByte(i++);
                    if ((crlfSeen == 0 && b != '\r') || (crlfSeen == 1 && b != '\n')) {
                        throw malformed();
                    }
                    if (++crlfSeen == 2) {
                        listener.chunkEnd();
                        state = State.SIZE_LINE;
                    }
                }
                case DONE -> throw new SigV4Exception(Reason.MALFORMED,
                        "The aws-chunked body has data after its end.");
                default -> throw new IllegalStateException();
            }
        }
        in.readerIndex(end);
    }

    private void onLine(String l) throws SigV4Exception {
        if (state == State.SIZE_LINE) {
            int semi = l.indexOf(';');
            String sizeText = semi < 0 ? l : l.substring(0, semi);
            String signature = null;
            if (semi >= 0) {
                String ext = l.substring(semi + 1);
                if (ext.startsWith("chunk-signature=")) {
                    signature = ext.substring("chunk-signature=".length());
                }
            }
            long size;
            try {
                size = Long.parseLong(sizeText.trim(), 16);
            } catch (NumberFormatException e) {
                throw malformed();
            }
            if (size < 0) {
                throw malformed();
            }
            listener.chunkStart(size, signature);
            if (size == 0) {
                // The final chunk has no data; its signature covers the empty string.
                listener.chunkEnd();
                state = State.TRAILER;
            } else {
                remaining = size;
                state = State.DATA;
            }
        } else {
            if (l.isEmpty()) {
                state = State.DONE;
                listener.end();
                return;
            }
            int colon = l.indexOf(':');
            if (colon <= 0) {
                throw malformed();
            }
            listener.trailer(l.substring(0, colon), l.substring(colon + 1));
        }
    }

    private static SigV4Exception malformed() {
        return new SigV4Exception(Reason.MALFORMED, "The aws-chunked request body is malformed.");
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
