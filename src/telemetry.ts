/**
 * The OpenTelemetry SDK, started only when an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, read by the exporter as the OpenTelemetry specification says).
 * Without it nothing is loaded: the API's tracer stays a no-op (src/http/tracing.ts).
 */
export interface Telemetry {
  /** Flushes the spans still buffered, then stops exporting. */
  shutdown(): Promise<void>;
}

type Env = Record<string, string | undefined>;

export function tracingConfigured(env: Env = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

export async function startTelemetry(env: Env = process.env): Promise<Telemetry | null> {
  if (!tracingConfigured(env)) return null;
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME?.trim() || 'clinicgraph' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // Also installs the AsyncLocalStorage context manager (a span's children find it) and the W3C propagator.
  provider.register();
  return { shutdown: () => provider.shutdown() };
}
