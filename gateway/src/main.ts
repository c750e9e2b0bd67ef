import { ConfigError, loadGatewayConfig } from './config';
import { createGateway } from './server';

try {
  const config = loadGatewayConfig();
  const running = await createGateway(config).listen();
  console.log(`Gateway ready at ${running.url} (supergraph ${config.supergraphPath})`);
  const stop = async () => {
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
    process.exit(2);
  }
  console.error(`Gateway failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
