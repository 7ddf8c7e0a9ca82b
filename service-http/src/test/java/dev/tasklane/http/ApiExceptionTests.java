package dev.tasklane.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ApiExceptionTests {

    @Test
    void aShortValueIsQuotedWhole() {
        assertThat(ApiException.quote("next tuesday")).isEqualTo("'next tuesday'");
    }

    @Test
    void aLongValueIsCutAtAHundredCharactersCountingAnEmojiAsOne() {
        String emoji = "\uD83D\uDE00";

        assertThat(ApiException.quote("x".repeat(20_000_000))).isEqualTo("'" + "x".repeat(100) + "…'");
        assertThat(ApiException.quote(emoji.repeat(150))).isEqualTo("'" + emoji.repeat(100) + "…'");
    }

    @Test
    void aBadFieldQuotesItsValueOnceInTheMessageAndNotInTheField() {
        ApiException refused = ApiException.badField("task_id", "must be a task id (UUID)", "y".repeat(5_000));

        assertThat(refused.getMessage()).isEqualTo("task_id must be a task id (UUID), was '" + "y".repeat(100) + "…'");
        assertThat(refused.fields()).containsEntry("task_id", "must be a task id (UUID)");
    }

    @Test
    void halfACharacterIsShownAsTheReplacementCharacter() {
        assertThat(ApiException.quote("a\uD83Db")).isEqualTo("'a\uFFFDb'");
    }
}
