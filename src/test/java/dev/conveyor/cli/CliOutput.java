package dev.conveyor.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the {@code conveyor} command line: its exit code and what it printed. */
public record CliOutput(int code, String out, String err) {

    public static CliOutput run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ConveyorCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
        return new CliOutput(code, out.toString(), err.toString());
    }

    /** No Java stack trace anywhere in the output. */
    public boolean hasNoStackTrace() {
        return !(out + err).contains("\tat ") && !(out + err).contains("Exception in thread");
    }
}
