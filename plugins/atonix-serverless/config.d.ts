export interface Config {
  atonix?: {
    /**
     * True when the portal shows the in-repo test servers' seeded functions (`./run demo`): the
     * Serverless views then say that what they show is demo data. Default false.
     * @visibility frontend
     */
    demo?: boolean;
  };
}
