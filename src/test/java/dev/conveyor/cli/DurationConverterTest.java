package dev.conveyor.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationConverterTest {
    private final DurationConverter converter = new DurationConverter();

    @Test
    void acceptsTheFormsJobsAccept() {
        assertThat(converter.convert("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(converter.convert("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(converter.convert("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(converter.convert("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(converter.convert("90")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void refusesOtherTextWithTheJobsWording() {
        assertThatThrownBy(() -> converter.convert("soon"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'soon' is not a valid duration: use e.g. 30s, 5m, 1h30m");
    }

    @Test
    void everyTimeoutOptionTakesThem() {
        CommandLine cli = ConveyorCli.commandLine();
        CommandLine.ParseResult parsed = cli.parseArgs("submit", "x.yaml", "--wait", "--timeout", "1m", "--cancel-wait", "5s");
        SubmitCommand submit = (SubmitCommand) parsed.subcommand().commandSpec().userObject();
        assertThat(submit.waiting.timeout).isEqualTo(Duration.ofMinutes(1));
        assertThat(submit.waiting.cancelWait).isEqualTo(Duration.ofSeconds(5));
        WatchCommand watch = (WatchCommand) ConveyorCli.commandLine().parseArgs("watch", "--timeout", "2h")
                .subcommand().commandSpec().userObject();
        assertThat(watch.timeout).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void aBadTimeoutIsAUsageErrorWithExitCode2() {
        StringWriter err = new StringWriter();
        int code = ConveyorCli.commandLine().setErr(new PrintWriter(err)).execute("run", "x.yaml", "--timeout", "1x");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("'1x' is not a valid duration");
    }
}
