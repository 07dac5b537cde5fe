package dev.ferry.app.integrations;

/** Where a block of environment variables will be pasted. */
public enum ShellKind {
    /** bash, zsh, sh: {@code export K="V"}. */
    UNIX,
    /** PowerShell: {@code $Env:K="V"}. */
    POWERSHELL,
    /** Windows Command Prompt: {@code set K=V}. */
    CMD,
    /** Plain {@code K=V} lines (dotenv files, IDE run configurations). */
    TEXT
}
