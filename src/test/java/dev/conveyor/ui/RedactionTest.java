package dev.conveyor.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.Json;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the web view never renders: signed URLs' query strings and credential-named values. */
class RedactionTest {

    @Test
    void signedUrlQueryStringsAreHiddenPlainOnesKept() {
        String sas = "https://acct.blob.core.windows.net/c/jobs/x/stdout.txt?sv=2024-05-04&se=2026-12-05&sp=r&sig=abc%2Bdef";
        String presigned = "https://bucket.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA/x&X-Amz-Signature=f00";
        String plain = "https://example.com/data.csv?page=2";

        assertThat(Redaction.text("fetch " + sas + " then " + presigned + " and " + plain))
                .isEqualTo("fetch https://acct.blob.core.windows.net/c/jobs/x/stdout.txt?[hidden] then "
                        + "https://bucket.s3.amazonaws.com/k?[hidden] and " + plain)
                .doesNotContain("sig=", "X-Amz-Signature");
    }

    @Test
    void credentialNamedValuesAreHiddenInYamlJsonAndEnvLinesButReferencesStay() {
        String yaml = """
                runsOn:
                  with:
                    batch_account_key: c2VjcmV0LWtleQ==
                    batch_account_url: https://acct.batch.azure.com
                    storage_account_key: ${AZURE_STORAGE_ACCOUNT_KEY}
                tasks:
                  - env:
                      API_TOKEN: tok-123
                      WORD: conveyor
                """;
        String shown = Redaction.text(yaml);
        assertThat(shown).doesNotContain("c2VjcmV0LWtleQ==", "tok-123")
                .contains("batch_account_key: [hidden]", "API_TOKEN: [hidden]", "WORD: conveyor",
                        "storage_account_key: ${AZURE_STORAGE_ACCOUNT_KEY}", "batch_account_url: https://acct.batch.azure.com");
        assertThat(Redaction.text("{\"env\":{\"AWS_SECRET_ACCESS_KEY\":\"wJalr\",\"A\":\"b\"}}"))
                .isEqualTo("{\"env\":{\"AWS_SECRET_ACCESS_KEY\":\"[hidden]\",\"A\":\"b\"}}");
        assertThat(Redaction.text("export DB_PASSWORD=hunter2")).doesNotContain("hunter2");
    }

    @Test
    void jsonDocumentsAreRedactedFieldByField() {
        JsonNode doc = Json.MAPPER.valueToTree(Map.of(
                "env", Map.of("CLIENT_SECRET", "s3cr3t", "MODE", "fast"),
                "inputs", java.util.List.of(Map.of("source", "https://a.blob.core.windows.net/c/f?sv=1&sig=zz")),
                "with", Map.of("account_key", "${AZURE_BATCH_ACCOUNT_KEY}")));

        String shown = Redaction.json(doc).toString();

        assertThat(shown).doesNotContain("s3cr3t", "sig=zz").contains("\"MODE\":\"fast\"", "\"CLIENT_SECRET\":\"[hidden]\"",
                "https://a.blob.core.windows.net/c/f?[hidden]", "${AZURE_BATCH_ACCOUNT_KEY}");
        assertThat(doc.toString()).as("the original is untouched").contains("s3cr3t");
    }

    @Test
    void taskValuesNamedLikeCredentialsAreHidden() {
        assertThat(Redaction.values(Map.of("token", "abc", "rows", "5"))).containsEntry("token", "[hidden]").containsEntry("rows", "5");
    }
}
