package dev.conveyor.engine;

import dev.conveyor.compute.ShellQuote;
import dev.conveyor.model.OutputSpec;
import dev.conveyor.storage.SignedUrl;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The in-task contract, once, for every backend: a small POSIX {@code sh} script that needs only
 * {@code sh} and {@code curl} or (GNU) {@code wget} on the node — plus {@code tar} when the task
 * returns output files through URLs — no cloud CLI, no Java. It
 * <ol>
 * <li>lays out its base folder: {@code work/} (the command's working directory, {@code $CONVEYOR_WORKDIR}),
 *     {@code .conveyor/return/} (what goes back);</li>
 * <li>downloads the inputs from scoped, expiring URLs into {@code work/};</li>
 * <li>exports the task's environment, {@code $CONVEYOR_OUTPUTS} (key=value lines the command may
 *     write) and {@code $CONVEYOR_NEEDS} (the upstream values as JSON);</li>
 * <li>runs the command with {@code sh -c} in {@code work/}, stdout and stderr to files;</li>
 * <li>selects the declared outputs for the outcome (success / failure / always) — regular files
 *     only, symbolic links never followed;</li>
 * <li>uploads stdout, stderr, the values and the outputs (one tar) at once and, last, the exit code, through
 *     scoped, expiring write URLs; or, with native file transfer, leaves them in
 *     {@code .conveyor/return/} (outputs as files below {@code outputs/}) for the backend;</li>
 * <li>exits with the command's exit code — or 97 when the results could not be returned (then no
 *     exit code is reported, and the engine knows the attempt did not report).</li>
 * </ol>
 * Nothing is returned through a symbolic link (a task that swaps its log or values file for a link
 * returns an empty file), and where the backend gives the task a PID namespace of its own
 * ({@code CONVEYOR_PRIVATE_PIDS=1}) every process the command left behind is ended before anything
 * is returned.
 * {@code file:} URLs (the local file store) are plain copies. Every value is single-quoted: nothing
 * from the request is ever parsed as shell by the wrapper itself.
 */
public final class TaskWrapper {
    /** Exit code of a wrapper that could not return the attempt's results. */
    public static final int RETURN_FAILED = 97;
    /** Exit code of a wrapper that could not fetch its inputs or prepare its folders. */
    public static final int SETUP_FAILED = 96;

    private TaskWrapper() {
    }

    public static String render(WrapperPlan p) {
        StringBuilder s = new StringBuilder(4096);
        s.append("#!/bin/sh\n")
                .append("# Conveyor task wrapper: job ").append(p.jobId()).append(", task ").append(p.taskId())
                .append(", attempt ").append(p.attempt()).append(". Generated; needs sh, curl or wget (and tar for outputs).\n")
                .append(PRELUDE);
        s.append("conveyor_setup() {\n");
        for (WrapperPlan.Fetch f : p.fetches()) {
            s.append("  conveyor_fetch ").append(source(f.url())).append(' ').append(ShellQuote.q(f.path())).append(" || return 1\n");
        }
        s.append("  :\n}\n");
        s.append("if ! conveyor_setup; then conveyor_log 'could not fetch the inputs'; exit ").append(SETUP_FAILED).append("; fi\n");
        for (Map.Entry<String, String> e : p.env().entrySet()) {
            s.append("export ").append(e.getKey()).append('=').append(ShellQuote.q(e.getValue())).append('\n');
        }
        s.append("CONVEYOR_ATTEMPT=").append(p.attempt()).append("; export CONVEYOR_ATTEMPT\n");
        s.append("printf '%s' ").append(ShellQuote.q(p.needsJson())).append(" > \"$meta/needs.json\"\n");
        s.append("CONVEYOR_COMMAND=").append(ShellQuote.q(p.command() == null ? "" : p.command())).append('\n');
        s.append(RUN);
        s.append("conveyor_select() {\n  if [ \"$code\" -eq 0 ]; then\n");
        selection(s, p.outputs(), true);
        s.append("  else\n");
        selection(s, p.outputs(), false);
        s.append("  fi\n}\n");
        if (p.returns() == null) {
            s.append(NATIVE_RETURN);
        } else {
            WrapperPlan.Returns r = p.returns();
            // the logs, the values and the outputs at once (each upload in a subshell of its own), the exit
            // code only when all of them landed: it is what says the task has returned
            s.append("conveyor_return() {\n")
                    .append("  conveyor_upload \"$ret/stdout.txt\" ").append(target(r.stdout())).append(" & p1=$!\n")
                    .append("  conveyor_upload \"$ret/stderr.txt\" ").append(target(r.stderr())).append(" & p2=$!\n")
                    .append("  p3=; if [ -s \"$ret/values.env\" ]; then conveyor_upload \"$ret/values.env\" ").append(target(r.values()))
                    .append(" & p3=$!; fi\n")
                    .append("  ok=0\n")
                    .append("  if [ -s \"$meta/outputs.list\" ]; then\n")
                    .append("    if ! command -v tar >/dev/null 2>&1; then conveyor_log 'tar is needed to return output files'; ok=1\n")
                    .append("    elif ! { tar -C \"$work\" -cf \"$ret/outputs.tar\" -T \"$meta/outputs.list\" && conveyor_upload \"$ret/outputs.tar\" ")
                    .append(target(r.outputs())).append("; }; then ok=1; fi\n")
                    .append("  fi\n")
                    .append("  wait \"$p1\" || ok=1\n")
                    .append("  wait \"$p2\" || ok=1\n")
                    .append("  if [ -n \"$p3\" ]; then wait \"$p3\" || ok=1; fi\n")
                    .append("  [ \"$ok\" -eq 0 ] || return 1\n")
                    .append("  printf '%s\\n' \"$code\" > \"$ret/exitcode\"\n")
                    .append("  conveyor_upload \"$ret/exitcode\" ").append(target(r.exitCode())).append(" || return 1\n}\n")
                    .append(UPLOAD_RETURN);
        }
        return s.toString();
    }

    /** The shell lines that write the matching paths for one outcome to outputs.list. */
    private static void selection(StringBuilder s, List<OutputSpec> outputs, boolean success) {
        StringBuilder args = new StringBuilder();
        for (OutputSpec o : outputs) {
            OutputSpec.When when = o.when() == null ? OutputSpec.When.SUCCESS : o.when();
            boolean applies = when == OutputSpec.When.ALWAYS || (when == OutputSpec.When.SUCCESS) == success;
            if (applies && o.pattern() != null) {
                args.append(" -e ").append(ShellQuote.q(OutputPatterns.toRegex(o.pattern())));
            }
        }
        if (args.length() == 0) {
            s.append("    : > \"$meta/outputs.list\"\n");
        } else {
            s.append("    (cd \"$work\" && find . -type f -print) | sed 's|^\\./||' | grep -E -x").append(args)
                    .append(" > \"$meta/outputs.list\" || :\n");
        }
    }

    /** A download source: a URL, or for {@code file:} the path itself (copied, not fetched). */
    private static String source(SignedUrl url) {
        return ShellQuote.q(local(url.url()));
    }

    /** An upload target: the URL (and the headers its store requires), or a local path. */
    private static String target(SignedUrl url) {
        StringBuilder t = new StringBuilder(ShellQuote.q(local(url.url())));
        url.headers().entrySet().stream().sorted(Map.Entry.comparingByKey()).limit(2)
                .forEach(h -> t.append(' ').append(ShellQuote.q(h.getKey() + ": " + h.getValue())));
        return t.toString();
    }

    private static String local(URI uri) {
        return "file".equals(uri.getScheme()) ? "file://" + Path.of(uri) : uri.toString();
    }

    private static final String PRELUDE = """
            umask 022
            base=$(pwd)
            work="$base/work"
            meta="$base/.conveyor"
            ret="$meta/return"
            mkdir -p "$work" "$ret" || exit 96
            conveyor_log() { printf 'conveyor-wrapper: %s\\n' "$*" >&2; printf '%s\\n' "$*" >> "$meta/wrapper.log" 2>/dev/null; }
            conveyor_curl=
            if command -v curl >/dev/null 2>&1; then %CURL_RETRY%conveyor_curl=$r; fi
            conveyor_fetch() {
              mkdir -p "$(dirname -- "$base/$2")" || return 1
              case "$1" in
                file://*) cp -- "${1#file://}" "$base/$2" ;;
                *) if command -v curl >/dev/null 2>&1; then
                     curl -fsSL $conveyor_curl -o "$base/$2" "$1"
                   elif command -v wget >/dev/null 2>&1; then
                     wget -q -O "$base/$2" "$1"
                   else conveyor_log 'neither curl nor wget is installed'; return 1; fi ;;
              esac
            }
            conveyor_upload() {
              f=$1; u=$2; h1=${3:-}; h2=${4:-}
              if [ -L "$f" ] || [ ! -f "$f" ]; then
                conveyor_log "$f is not a regular file (a link?): not returned"; : > "$meta/empty"; f="$meta/empty"
              fi
              case "$u" in
                file://*) d=${u#file://}
                  mkdir -p -- "$(dirname -- "$d")" && cp -- "$f" "$d.upload.$$" && mv -f -- "$d.upload.$$" "$d" ;;
                *) if command -v curl >/dev/null 2>&1; then
                     curl -fsS $conveyor_curl -X PUT -T "$f" ${h1:+-H "$h1"} ${h2:+-H "$h2"} -o /dev/null "$u"
                   elif command -v wget >/dev/null 2>&1; then
                     wget -q --method=PUT --body-file="$f" ${h1:+--header="$h1"} ${h2:+--header="$h2"} -O /dev/null "$u"
                   else conveyor_log 'neither curl nor wget is installed'; return 1; fi ;;
              esac
            }
            """.replace("%CURL_RETRY%", dev.conveyor.compute.TaskFiles.CURL_RETRY);

    private static final String RUN = """
            CONVEYOR_WORKDIR="$work"; export CONVEYOR_WORKDIR
            CONVEYOR_OUTPUTS="$ret/values.env"; export CONVEYOR_OUTPUTS
            CONVEYOR_NEEDS="$meta/needs.json"; export CONVEYOR_NEEDS
            : > "$CONVEYOR_OUTPUTS"
            (cd "$work" && exec sh -c "$CONVEYOR_COMMAND") > "$ret/stdout.txt" 2> "$ret/stderr.txt" < /dev/null &
            child=$!
            # Asked to stop (time limit, cancel): pass it on, then still return the logs.
            trap 'kill -TERM "$child" 2>/dev/null' TERM INT
            while :; do
              wait "$child"; code=$?
              kill -0 "$child" 2>/dev/null || break
            done
            trap - TERM INT
            if [ "${CONVEYOR_PRIVATE_PIDS:-}" = 1 ]; then kill -9 -1 2>/dev/null || :; fi
            """;

    private static final String NATIVE_RETURN = """
            conveyor_select
            if [ -s "$meta/outputs.list" ]; then
              while IFS= read -r f; do
                [ -L "$work/$f" ] && continue
                mkdir -p "$ret/outputs/$(dirname -- "$f")" && cp -p -- "$work/$f" "$ret/outputs/$f" || exit 97
              done < "$meta/outputs.list"
            fi
            for f in stdout.txt stderr.txt values.env; do [ -L "$ret/$f" ] && rm -f "$ret/$f" && : > "$ret/$f"; done
            printf '%s\\n' "$code" > "$ret/exitcode"
            exit "$code"
            """;

    private static final String UPLOAD_RETURN = """
            conveyor_select
            if conveyor_return; then exit "$code"; fi
            conveyor_log 'could not return the results'
            exit 97
            """;
}
