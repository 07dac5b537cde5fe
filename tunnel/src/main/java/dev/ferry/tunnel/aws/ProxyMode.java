package dev.ferry.tunnel.aws;

/** How clients reach the AWS API proxy. */
public enum ProxyMode {
    /** An HTTP CONNECT proxy: {@code HTTPS_PROXY=http://127.0.0.1:PORT} plus {@code AWS_CA_BUNDLE}. */
    HTTPS_PROXY,
    /** An HTTPS server: {@code --endpoint-url https://127.0.0.1:PORT} (or {@code AWS_ENDPOINT_URL}). */
    ENDPOINT_URL
}
