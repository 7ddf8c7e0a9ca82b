package dev.tasklane.auth;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/**
 * Reads the token from the {@code Authorization} header everywhere, and from {@code ?access_token=} only on GET
 * requests to the configured paths: a browser's EventSource cannot send headers.
 */
public class QueryTokenResolver implements BearerTokenResolver {

    private final DefaultBearerTokenResolver headerOnly = new DefaultBearerTokenResolver();
    private final DefaultBearerTokenResolver headerOrQuery = new DefaultBearerTokenResolver();
    private final List<String> queryTokenPaths;

    public QueryTokenResolver(List<String> queryTokenPaths) {
        this.queryTokenPaths = List.copyOf(queryTokenPaths);
        headerOrQuery.setAllowUriQueryParameter(true);
    }

    @Override
    public String resolve(HttpServletRequest request) {
        boolean queryAllowed = "GET".equals(request.getMethod())
                && queryTokenPaths.contains(request.getRequestURI()
                        .substring(request.getContextPath().length()));
        return (queryAllowed ? headerOrQuery : headerOnly).resolve(request);
    }
}
