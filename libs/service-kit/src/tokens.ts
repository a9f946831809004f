/** Injection tokens for the resources every service shares. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const LOGGER = Symbol('LOGGER');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
/** A Nest ClientProxy on the NATS transport, for request/reply to other services. */
export const SERVICE_BUS = Symbol('SERVICE_BUS');
/** An EventPublisher for durable events and jobs, stamped with the service's name. */
export const EVENT_PUBLISHER = Symbol('EVENT_PUBLISHER');
/** The ArtifactStore at ARTIFACT_ROOT. */
export const ARTIFACT_STORE = Symbol('ARTIFACT_STORE');
