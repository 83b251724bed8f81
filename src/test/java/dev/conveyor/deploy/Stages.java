package dev.conveyor.deploy;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The five stages as the application wires them: the incoming channel the launcher switches per
 * stage ({@code cli.StageSelection}), and that channel's consumer group and topic from
 * {@code application.properties}.
 */
record Stages(List<Stage> all) {

    record Stage(String name, String channel, String groupId, String topic) {
    }

    static Stages of(AppConfiguration app) {
        List<Stage> stages = new ArrayList<>();
        incomingByStage().forEach((stage, channel) -> stages.add(new Stage(stage, channel,
                app.value("mp.messaging.incoming." + channel + ".group.id"),
                app.value("mp.messaging.incoming." + channel + ".topic"))));
        return new Stages(List.copyOf(stages));
    }

    List<String> names() {
        return all.stream().map(Stage::name).toList();
    }

    Stage named(String name) {
        return all.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no stage named '" + name + "'; stages: " + names()));
    }

    /** The launcher's value of {@code conveyor.stages} that runs no stage (a web-view-only process). */
    static String none() {
        return (String) launcher("NONE");
    }

    /** The launcher's own table (package-private in the CLI), read so the checks follow it. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> incomingByStage() {
        return (Map<String, String>) launcher("INCOMING_BY_STAGE");
    }

    /** A static field of the launcher's {@code StageSelection} (package-private in the CLI). */
    private static Object launcher(String name) {
        try {
            Field field = Class.forName("dev.conveyor.cli.StageSelection").getDeclaredField(name);
            field.setAccessible(true);
            return field.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read StageSelection." + name + " of the CLI", e);
        }
    }
}
