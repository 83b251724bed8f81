package dev.conveyor.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code bench/run.sh chaos} was asked for: {@code [JOBS] [SECONDS] [--broker-kill] [--burst] [--workers=N]
 * [--seed=N] [--interval=S] [--backend=local|aws-batch|azure-batch] [--store-outage=N] [--api-outage=N]}.
 */
record ChaosOptions(int jobs, int seconds, boolean brokerKill, boolean burst, int workers, double interval, long seed,
                    String backend, int storeOutage, int apiOutage) {

    static ChaosOptions parse(String[] args) {
        List<String> positional = new ArrayList<>();
        boolean brokerKill = false;
        boolean burst = false;
        int workers = 2;
        long seed = System.nanoTime();
        double interval = 6;
        String backend = "local";
        int storeOutage = 0;
        int apiOutage = 0;
        for (String a : args) {
            if (a.equals("--broker-kill")) {
                brokerKill = true;
            } else if (a.equals("--burst")) {
                burst = true;
            } else if (a.startsWith("--workers=")) {
                workers = Integer.parseInt(a.substring(10));
            } else if (a.startsWith("--seed=")) {
                seed = Long.parseLong(a.substring(7));
            } else if (a.startsWith("--interval=")) {
                interval = Double.parseDouble(a.substring(11));
            } else if (a.startsWith("--store-outage=")) {
                storeOutage = Integer.parseInt(a.substring(15));
            } else if (a.startsWith("--api-outage=")) {
                apiOutage = Integer.parseInt(a.substring(13));
            } else if (a.startsWith("--backend=")) {
                backend = a.substring(10);
                if (!List.of("local", "aws-batch", "azure-batch").contains(backend)) {
                    throw new IllegalArgumentException("--backend: local, aws-batch or azure-batch, not " + backend);
                }
            } else {
                positional.add(a);
            }
        }
        int jobs = positional.size() > 0 ? Integer.parseInt(positional.get(0)) : 300;
        int seconds = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : 120;
        if ((storeOutage > 0 || apiOutage > 0) && backend.equals("local")) {
            throw new IllegalArgumentException("--store-outage and --api-outage need --backend=aws-batch or azure-batch");
        }
        return new ChaosOptions(jobs, seconds, brokerKill, burst, workers, interval, seed, backend, storeOutage, apiOutage);
    }
}
