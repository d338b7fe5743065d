import os
import signal
import threading

from .log import Logger
from .server import create_server


def main():
    port = int(os.environ.get("PORT", "${{ values.port }}"))
    logger = Logger(function="${{ values.name }}")
    server = create_server(port, logger)

    # Knative scales to zero by stopping pods: stop accepting, finish the requests in flight
    # (server_close joins their threads), then exit. shutdown() blocks until serve_forever
    # returns, so it must not run on the thread that is serving.
    def stop(signum, frame):
        logger.info("shutting down")
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    logger.info("listening", port=port)
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()
