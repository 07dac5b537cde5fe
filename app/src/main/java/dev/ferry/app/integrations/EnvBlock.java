package dev.ferry.app.integrations;

import dev.ferry.app.FerryException;

import java.util.Map;
import java.util.StringJoiner;

/**
 * Renders environment variables for a shell, quoted so that the shell gives the program the
 * exact value. Written by hand: each shell has a few quoting rules and no library covers all four.
 */
public final class EnvBlock {
    private EnvBlock() {
    }

    /** One line per variable, in the map's order, ending with a newline. */
    public static String render(Map<String, String> vars, ShellKind shell) {
        StringJoiner out = new StringJoiner("\n", "", "\n");
        vars.forEach((k, v) -> out.add(line(k, v, shell)));
        return out.toString();
    }

    static String line(String name, String value, ShellKind shell) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
            throw new FerryException("The value of " + name + " contains a line break, which cannot be pasted into a shell.",
                    "Use a value without line breaks.");
        }
        return switch (shell) {
            case UNIX -> "export " + name + "=" + posixDoubleQuoted(value);
            case POWERSHELL -> "$Env:" + name + "=" + powershellDoubleQuoted(value);
            case CMD -> "set " + name + "=" + cmdEscaped(name, value);
            case TEXT -> name + "=" + value;
        };
    }

    /** A POSIX shell word in double quotes: {@code \ " $ `} are escaped. */
    public static String posixDoubleQuoted(String value) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '\\' || c == '"' || c == '$' || c == '`') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }

    /** A PowerShell expandable string: the backtick escapes {@code " $ `}. */
    static String powershellDoubleQuoted(String value) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '$' || c == '`' || c == '\u201C' || c == '\u201D') {
                b.append('`');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }

    /**
     * {@code set K=V} in cmd.exe: the caret escapes {@code ^ & | < > ( )}. A percent sign or a
     * double quote cannot be written reliably on an interactive command line, so they are refused.
     */
    static String cmdEscaped(String name, String value) {
        StringBuilder b = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (c == '%' || c == '"' || c == '!') {
                throw new FerryException("The value of " + name + " contains '" + c
                        + "', which the Windows Command Prompt cannot take in a `set` line.",
                        "Use the PowerShell or text form instead.");
            }
            if ("^&|<>()".indexOf(c) >= 0) {
                b.append('^');
            }
            b.append(c);
        }
        return b.toString();
    }
}
