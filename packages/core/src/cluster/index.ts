/**
 * Clusters: nodes on worker threads joined by MessageChannels, with transparent send, call,
 * cast, links, monitors and exit signals across them, remote spawn by module URL and
 * export name, node monitoring and pg groups that span the cluster.
 */
export { startCluster, Cluster, clusterDefaults } from './cluster.js'
export type { ClusterOptions, NodeStartOptions } from './cluster.js'
export { spawn, spawnLink, spawnMonitor, startLink, node, nodes, monitorNode, monitorNodes, demonitorNode } from './api.js'
export { actorRef } from './actorRef.js'
export type { ActorRef, ActorArgs, ActorPid } from './actorRef.js'
export { Distribution, isNodeUpMessage, isNodeDownMessage, distributionDefaults } from './distribution.js'
export type { NodeUpMessage, NodeDownMessage } from './distribution.js'
export { WorkerTransport } from './workerTransport.js'
// For nodes whose transport lives outside core (@troupe/nats): makes `spawn`, `node()`, `nodes()` act for them.
export { setCurrentDistribution, peekCurrentDistribution } from './current.js'
export type { Transport } from './transport.js'
export { NodeBootFailed, SpawnFailed } from './errors.js'
