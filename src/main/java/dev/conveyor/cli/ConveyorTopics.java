package dev.conveyor.cli;

/** The topic names the client commands use ({@code -Dconveyor.topics.<name>=…} overrides each). */
record ConveyorTopics(String requests, String status, String results, String control) {

    static ConveyorTopics configured() {
        return new ConveyorTopics(topic("requests"), topic("status"), topic("results"), topic("control"));
    }

    private static String topic(String name) {
        return System.getProperty("conveyor.topics." + name, "conveyor." + name);
    }
}
