package io.sluice.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;

/** The published JSON schemas (api-spec's {@code sluice-api/*.schema.json}), to check what the gateway emits. */
public final class ContractSchemas {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private ContractSchemas() {
    }

    /** Throws AssertionError listing every violation of {@code schema} (e.g. "events") by {@code json}. */
    public static void assertValid(String schema, String json) {
        JsonSchema s;
        try (InputStream in = ContractSchemas.class.getResourceAsStream("/sluice-api/" + schema + ".schema.json")) {
            if (in == null) {
                throw new AssertionError("no published schema " + schema);
            }
            s = FACTORY.getSchema(in);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
        Set<ValidationMessage> errors = s.validate(node);
        if (!errors.isEmpty()) {
            throw new AssertionError(schema + " schema violated by " + json + ": " + errors);
        }
    }
}
