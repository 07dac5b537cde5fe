package dev.ferry.app.access;

/**
 * How the person wants to sign in, where the workspace's sign-in offers a choice (IAM Identity
 * Center: the browser with a loopback redirect, or a device code). Providers that have no such
 * choice ignore it.
 *
 * @param useDeviceCode sign in with a code confirmed on another page (or device) instead of the redirect
 * @param openBrowser   open the sign-in page in the browser; false only shows the link
 */
public record SignInOptions(boolean useDeviceCode, boolean openBrowser) {
    public static SignInOptions defaults() {
        return new SignInOptions(false, true);
    }
}
