/** Ports shared by the network rules and the services behind them. */
export const POSTGRES_PORT = 5432;
export const CACHE_PORT = 6379;
/** Container port of every AuthorWorks service (seed 004). */
export const APP_PORT = 8080;
