package dev.tasklane.cli.stack;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.tasklane.cli.CliException;
import dev.tasklane.cli.Http;

/** A few demo drivers on the first start, added through the gateway like any driver, so drive times have origins. */
final class DemoData {

    static final List<Map<String, String>> DRIVERS = List.of(
            Map.of(
                    "name",
                    "Dana Whitfield",
                    "phone",
                    "+12175550101",
                    "home_address",
                    "225 S 5th St, Springfield, IL 62701"),
            Map.of(
                    "name",
                    "Marcus Ortega",
                    "phone",
                    "+12175550102",
                    "home_address",
                    "1200 W Wabash Ave, Springfield, IL 62704"),
            Map.of(
                    "name",
                    "Priya Raman",
                    "phone",
                    "+12175550103",
                    "home_address",
                    "3101 Old Jacksonville Rd, Springfield, IL 62704"));

    private DemoData() {}

    static void seedDrivers(Settings settings, String adminToken, Consumer<String> say)
            throws IOException, SQLException {
        try (Connection connection = DriverManager.getConnection(
                        settings.databaseUrl(), settings.databaseUser(), settings.databasePassword());
                Statement statement = connection.createStatement();
                ResultSet any = statement.executeQuery("SELECT 1 FROM drivers LIMIT 1")) {
            if (any.next()) {
                return;
            }
        }
        for (Map<String, String> driver : DRIVERS) {
            Http.Answer answer = Http.post(settings.url(Settings.GATEWAY) + "/add-driver", adminToken, driver);
            if (!answer.ok()) {
                throw new CliException("Could not add the demo driver " + driver.get("name") + ": " + answer.message());
            }
        }
        say.accept("Added " + DRIVERS.size() + " demo drivers (first start)");
    }
}
