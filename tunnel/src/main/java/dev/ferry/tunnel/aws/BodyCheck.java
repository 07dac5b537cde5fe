package dev.ferry.tunnel.aws;

import dev.ferry.tunnel.aws.SigV4Exception.Reason;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * Checks a streamed request body piece by piece and says what to forward. The proxy
 * holds back the last forwarded piece until {@link #finish()} succeeds, so a body that
 * fails a check never completes upstream.
 */
interface BodyCheck {

    /** Consumes {@code in} (not released here) and adds retained pieces to forward to {@code out}. */
    void accept(ByteBuf in, List<ByteBuf> out) throws SigV4Exception;

    /** Called after the last piece; throws when the body as a whole is not what was signed. */
    void finish() throws SigV4Exception;

    /** UNSIGNED-PAYLOAD: nothing to check. */
    static BodyCheck passThrough() {
        return new BodyCheck() {
            @Override
            public void accept(ByteBuf in, List<ByteBuf> out) {
                if (in.isReadable()) {
                    out.add(in.retainedSlice());
                }
            }

            @Override
            public void finish() {
            }
        };
    }

    /** A signed hex x-amz-content-sha256: hashes as it goes, compares at the end. */
    static BodyCheck sha256(String expectedHex) {
        MessageDigest digest = SigV4Verifier.newSha256();
        return new BodyCheck() {
            @Override
            public void accept(ByteBuf in, List<ByteBuf> out) {
                if (in.isReadable()) {
                    digest.update(in.nioBuffer());
                    out.add(in.retainedSlice());
                }
            }

            @Override
            public void finish() throws SigV4Exception {
                String actual = SigV4Verifier.hex(digest.digest());
                if (!actual.equalsIgnoreCase(expectedHex)) {
                    throw new SigV4Exception(Reason.BAD_DIGEST, "The body does not match its signed "
                            + "x-amz-content-sha256 (it was changed after signing).");
                }
            }
        };
    }

    /**
     * An aws-chunked body: decodes it, verifies each chunk signature (signed variants)
     * and the trailing checksum when one is sent, and forwards the decoded data.
     */
    final class AwsChunked implements BodyCheck, AwsChunkedDecoder.Listener {
        private final AwsChunkedDecoder decoder = new AwsChunkedDecoder(this);
        private final SigV4Verifier.ChunkVerifier chunks;
        private final MessageDigest chunkDigest = SigV4Verifier.newSha256();
        private final long expectedLength;
        private final StringBuilder trailerBytes = new StringBuilder();
        private String checksumHeader;
        private Object checksum;
        private String trailerSignature;
        private String chunkSignature;
        private long decoded;
        private boolean ended;
        private List<ByteBuf> out;

        /** @param chunks null for STREAMING-UNSIGNED-PAYLOAD-TRAILER */
        AwsChunked(SigV4Verifier.ChunkVerifier chunks, long expectedLength, String trailerHeader) {
            this.chunks = chunks;
            this.expectedLength = expectedLength;
            if (trailerHeader != null) {
                checksumHeader = trailerHeader.trim().toLowerCase(Locale.ROOT);
                checksum = switch (checksumHeader) {
                    case "x-amz-checksum-crc32" -> new CRC32();
                    case "x-amz-checksum-crc32c" -> new CRC32C();
                    case "x-amz-checksum-sha256" -> SigV4Verifier.newSha256();
                    case "x-amz-checksum-sha1" -> newDigest("SHA-1");
                    default -> null; // e.g. CRC64NVME: forwarded unchecked, S3 checks it
                };
            }
        }

        private static MessageDigest newDigest(String alg) {
            try {
                return MessageDigest.getInstance(alg);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void accept(ByteBuf in, List<ByteBuf> out) throws SigV4Exception {
            this.out = out;
            decoder.feed(in);
        }

        @Override
        public void chunkStart(long size, String signature) {
            chunkSignature = signature;
            chunkDigest.reset();
        }

        @Override
        public void data(ByteBuf slice) {
            decoded += slice.readableBytes();
            if (chunks != null) {
                chunkDigest.update(slice.nioBuffer());
            }
            if (checksum instanceof Checksum c) {
                c.update(slice.nioBuffer());
            } else if (checksum instanceof MessageDigest d) {
                d.update(slice.nioBuffer());
            }
            out.add(slice.retain());
        }

        @Override
        public void chunkEnd() throws SigV4Exception {
            if (chunks != null) {
                chunks.verifyChunk(chunkSignature, chunkDigest.digest());
            }
        }

        @Override
        public void trailer(String name, String value) throws SigV4Exception {
            String n = name.trim().toLowerCase(Locale.ROOT);
            if (n.equals("x-amz-trailer-signature")) {
                trailerSignature = value.trim();
                return;
            }
            trailerBytes.append(n).append(':').append(value.trim()).append('\n');
            if (n.equals(checksumHeader) && checksum != null) {
                String actual = checksum instanceof Checksum c
                        ? Base64.getEncoder().encodeToString(intBytes(c.getValue()))
                        : Base64.getEncoder().encodeToString(((MessageDigest) checksum).digest());
                if (!value.trim().equals(actual)) {
                    throw new SigV4Exception(Reason.BAD_DIGEST, "The upload's " + n
                            + " checksum does not match its data (the body was changed).");
                }
            }
        }

        private static byte[] intBytes(long v) {
            return new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v};
        }

        @Override
        public void end() throws SigV4Exception {
            ended = true;
            if (chunks != null && trailerSignature != null) {
                chunks.verifyTrailer(trailerSignature, trailerBytes.toString().getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public void finish() throws SigV4Exception {
            if (!ended) {
                throw new SigV4Exception(Reason.MALFORMED, "The aws-chunked body ended early.");
            }
            if (expectedLength >= 0 && decoded != expectedLength) {
                throw new SigV4Exception(Reason.BAD_DIGEST, "The upload has " + decoded
                        + " bytes but x-amz-decoded-content-length says " + expectedLength + ".");
            }
        }
    }
}
