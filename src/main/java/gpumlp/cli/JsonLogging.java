// Marks a command whose errors, too, are printed as JSON log lines when --log-format json is given.
package gpumlp.cli;

interface JsonLogging {
    boolean jsonLogs();
}
