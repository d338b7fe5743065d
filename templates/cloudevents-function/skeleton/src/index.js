import { createLogger } from './log.js';
import { createFunctionServer } from './server.js';

const port = Number(process.env.PORT ?? ${{ values.port }});
const logger = createLogger(process.stdout, { function: '${{ values.name }}' });
const server = createFunctionServer({
  logger,
  source: '/${{ values.team }}/${{ values.name }}',
});

server.listen(port, () => logger.info('listening', { port }));

// Knative scales to zero by stopping pods: finish the deliveries in flight, then exit. The
// queue-proxy has already stopped sending new ones when SIGTERM arrives.
process.once('SIGTERM', () => {
  logger.info('shutting down');
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(1), 25_000).unref();
});
