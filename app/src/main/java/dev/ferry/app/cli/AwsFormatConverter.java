package dev.ferry.app.cli;

import dev.ferry.app.FerryException;
import dev.ferry.app.integrations.AwsOutputFormat;
import picocli.CommandLine;

import java.util.Arrays;
import java.util.Iterator;

/** picocli's side of {@link AwsOutputFormat}: its command-line names, for parsing and for the help's list. */
final class AwsFormatConverter implements CommandLine.ITypeConverter<AwsOutputFormat>, Iterable<String> {
    @Override
    public AwsOutputFormat convert(String value) {
        try {
            return AwsOutputFormat.parse(value);
        } catch (FerryException e) {
            throw new CommandLine.TypeConversionException(e.getMessage() + " " + e.hint());
        }
    }

    @Override
    public Iterator<String> iterator() {
        return Arrays.stream(AwsOutputFormat.values()).map(AwsOutputFormat::cliName).iterator();
    }
}
