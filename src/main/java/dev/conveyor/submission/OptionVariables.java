package dev.conveyor.submission;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code ${NAME}} references in a request's provider options ({@code runsOn.with}, a ddeutil
 * {@code runs-on.with}). Dispatch resolves them from the service's own environment, so a request
 * may name only the variables the operator allow-listed
 * ({@value #SETTING}); anything else would let any Kafka producer pull a service secret into
 * provider options. A reference is exactly {@code ${NAME}}, NAME made of letters, digits and
 * {@code _}, not starting with a digit (what dispatch resolves); anything else after {@code ${}
 * (no closing brace, an empty or odd name, shell defaults such as {@code ${X:-y}}, nesting) is
 * reported as malformed. A {@code $} not followed by <code>{</code> is literal text.
 */
public final class OptionVariables {

    /** The setting that holds the allow-list. */
    public static final String SETTING = "conveyor.credentials.allowed-variables";

    /**
     * The default allow-list: the variables the ddeutil-workflow and Covalent docs tell users to set
     * for their Azure Batch and AWS Batch setups.
     * <ul>
     *   <li>ddeutil-workflow {@code docs/providers/azure-batch.md} ("Environment Variables", and the
     *       {@code runs-on: {type: azure_batch, with: …}} examples): AZURE_BATCH_ACCOUNT_NAME,
     *       AZURE_BATCH_ACCOUNT_KEY, AZURE_BATCH_ACCOUNT_URL, AZURE_STORAGE_ACCOUNT_NAME,
     *       AZURE_STORAGE_ACCOUNT_KEY;</li>
     *   <li>ddeutil-workflow {@code docs/providers/aws-batch.md}: AWS_ACCESS_KEY_ID,
     *       AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, AWS_BATCH_JOB_QUEUE_ARN, AWS_S3_BUCKET;</li>
     *   <li>Covalent's Azure Batch executor (covalent-azurebatch-plugin) authenticates with a service
     *       principal's {@code tenant_id}, {@code client_id}, {@code client_secret} (with
     *       {@code batch_account_url}, {@code storage_account_name}); their standard variables, the
     *       ones Azure Identity's EnvironmentCredential reads: AZURE_TENANT_ID, AZURE_CLIENT_ID,
     *       AZURE_CLIENT_SECRET;</li>
     *   <li>Covalent's "Managing AWS Cloud Credentials" (AWS Batch executor): AWS_ACCESS_KEY_ID,
     *       AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; and AWS_REGION, the SDKs' region variable
     *       beside AWS_DEFAULT_REGION.</li>
     * </ul>
     */
    public static final String DEFAULT_ALLOWED = "AZURE_BATCH_ACCOUNT_NAME,AZURE_BATCH_ACCOUNT_KEY,AZURE_BATCH_ACCOUNT_URL,"
            + "AZURE_STORAGE_ACCOUNT_NAME,AZURE_STORAGE_ACCOUNT_KEY,AZURE_TENANT_ID,AZURE_CLIENT_ID,AZURE_CLIENT_SECRET,"
            + "AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,AWS_SESSION_TOKEN,AWS_DEFAULT_REGION,AWS_REGION,"
            + "AWS_BATCH_JOB_QUEUE_ARN,AWS_S3_BUCKET";

    static final Set<String> DEFAULT_ALLOWED_NAMES = Set.of(DEFAULT_ALLOWED.split(","));

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Set<String> allowed;

    OptionVariables(Set<String> allowed) {
        this.allowed = Set.copyOf(allowed);
    }

    /** Why the option value {@code value} cannot be used, or null when it can. */
    String problemWith(String value) {
        List<String> refused = new ArrayList<>();
        int at = 0;
        while ((at = value.indexOf("${", at)) >= 0) {
            int close = value.indexOf('}', at + 2);
            String name = close < 0 ? "" : value.substring(at + 2, close);
            if (!NAME.matcher(name).matches()) {
                String reference = close < 0 ? value.substring(at) : value.substring(at, close + 1);
                if (reference.length() > 40) {
                    reference = reference.substring(0, 40) + "…";
                }
                return "'" + reference + "' is not a valid variable reference: write ${NAME}, with NAME made of letters, "
                        + "digits and '_' and not starting with a digit (no defaults, no nesting)";
            }
            if (!allowed.contains(name) && !refused.contains("${" + name + "}")) {
                refused.add("${" + name + "}");
            }
            at = close + 1;
        }
        if (refused.isEmpty()) {
            return null;
        }
        String names = refused.size() == 1 ? refused.get(0)
                : String.join(", ", refused.subList(0, refused.size() - 1)) + " and " + refused.get(refused.size() - 1);
        return "refers to " + names + ", which this service does not allow requests to use (" + SETTING + ")";
    }
}
