import { ConfigError, loadGatewayConfig } from './config';
import { createGateway } from './server';
import { exitOnTermination } from '../../platform/termination';

const termination = exitOnTermination();
try {
  const config = loadGatewayConfig();
  const running = await createGateway(config).listen();
  termination.serving(() => running.close());
  console.log(`Gateway ready at ${running.url} (supergraph ${config.supergraphPath})`);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
    process.exit(2);
  }
  console.error(`Gateway failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
