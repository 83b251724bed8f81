package dev.conveyor.compute.azure;

import com.microsoft.azure.batch.protocol.models.MetadataItem;
import org.joda.time.DateTime;
import org.joda.time.Period;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Conversions between the SDK's value types (metadata items, Joda time) and the JDK's, shared by the pool, job and task calls. */
final class SdkValues {
    private SdkValues() {
    }

    static List<MetadataItem> metadata(Map<String, String> md) {
        List<MetadataItem> out = new ArrayList<>();
        md.forEach((k, v) -> out.add(new MetadataItem().withName(k).withValue(v)));
        return out;
    }

    static Map<String, String> metadata(List<MetadataItem> items) {
        Map<String, String> out = new LinkedHashMap<>();
        if (items != null) {
            items.forEach(m -> out.put(m.name(), m.value()));
        }
        return out;
    }

    static Period period(Duration d) {
        return new Period(d.toMillis());
    }

    static Instant instant(DateTime t) {
        return t == null ? null : Instant.ofEpochMilli(t.getMillis());
    }
}
