import { handle } from './handler.js';
import { createLogger } from './log.js';
import { createFunctionServer } from './server.js';

// Serves the function of src/handler.js on $PORT until SIGTERM.
const logger = createLogger(process.stdout, { function: '${{ values.name }}' });
const server = createFunctionServer({ logger, handle });
const port = Number(process.env.PORT ?? ${{ values.port }});

{% if values.runtime == 'openfaas' -%}
// In the image this process sits behind the OpenFaaS watchdog, which listens on the function's
// port and forwards to PORT (see the Dockerfile); run alone (`npm start`) it serves directly.
{% endif -%}
server.listen(port, () => logger.info('listening', { port }));

{% if values.runtime == 'openfaas' -%}
// Replicas are stopped when OpenFaaS scales the function down: finish the requests in flight,
// then exit.
{% else -%}
// Knative scales to zero by stopping pods: finish the requests in flight, then exit. The
// queue-proxy has already stopped sending new ones when SIGTERM arrives.
{% endif -%}
process.once('SIGTERM', () => {
  logger.info('shutting down');
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(1), 25_000).unref();
});
