package io.sluice.gateway.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The schema check the API tests rely on does refuse what breaks a schema. */
class ContractSchemasTest {

    @Test
    void aValidEventPassesAndABrokenOneIsRefused() {
        assertThatCode(() -> ContractSchemas.assertValid("events",
                "{\"seq\":1,\"peerId\":\"p\",\"type\":\"connectionstatechange\",\"timestamp\":1,\"state\":\"connected\"}"))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> ContractSchemas.assertValid("events",
                "{\"seq\":1,\"peerId\":\"p\",\"type\":\"nonsense\",\"timestamp\":1}")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> ContractSchemas.assertValid("cloudevent", "{\"specversion\":\"0.3\"}"))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> ContractSchemas.assertValid("websocket", "{\"nothing\":true}"))
                .isInstanceOf(AssertionError.class);
    }
}
