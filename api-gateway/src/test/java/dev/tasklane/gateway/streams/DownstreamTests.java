package dev.tasklane.gateway.streams;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stream whose connection the container tears down while another thread writes to it. Tomcat's own race (the request
 * recycled on its thread while an upstream thread writes) cannot be started on purpose, so the servlet output stream
 * here fails the way a recycled one can: with an unexpected runtime exception.
 */
class DownstreamTests {

    private static final byte[] EVENT = "event: task\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void aWriteTheContainerFailsUnexpectedlyEndsTheStreamInsteadOfWedgingIt() throws IOException {
        Output output = new Output();
        List<Downstream> ended = new ArrayList<>();
        Downstream stream = streamOn(output, ended);

        stream.send(EVENT);
        assertThat(output.written).isEqualTo(EVENT.length);

        output.failure = new NullPointerException("the request was recycled");
        stream.send(EVENT);
        assertThat(ended).containsExactly(stream);
        assertThat(stream.hasEnded()).isTrue();
        assertThat(stream.ending()).isEqualTo(Downstream.Ending.CLIENT_LEFT);

        stream.send(EVENT);
        assertThat(ended).as("counted once").hasSize(1);
    }

    private static Downstream streamOn(Output output, List<Downstream> ended) throws IOException {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setAsyncSupported(true);
        MockHttpServletResponse response = new MockHttpServletResponse() {
            @Override
            public ServletOutputStream getOutputStream() {
                return output;
            }
        };
        return new Downstream(
                UUID.randomUUID(), "someone", "token", new MockAsyncContext(request, response), 1 << 20, ended::add);
    }

    /** Always ready; fails the next check with {@link #failure} once it is set. */
    private static final class Output extends ServletOutputStream {

        private volatile RuntimeException failure;
        private int written;

        @Override
        public boolean isReady() {
            if (failure != null) {
                throw failure;
            }
            return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {}

        @Override
        public void write(int b) {
            written++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            written += length;
        }
    }
}
