package dev.ferry.app.sso;

import java.net.URI;
import java.time.Instant;

/**
 * What the device-code flow asks of the person: open {@code verificationUri} and confirm
 * {@code userCode}, or open {@code verificationUriComplete}, which fills the code in, before
 * {@code expiresAt}.
 */
public record DeviceCode(String userCode, URI verificationUri, URI verificationUriComplete, Instant expiresAt) {
}
