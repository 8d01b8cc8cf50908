/**
 * @troupe/nats — troupe clusters across OS processes and machines, over NATS. A node started
 * with `startNatsNode` joins the cluster of its name on the given servers; nodes in other
 * processes then behave like worker-thread nodes: send, call, cast, links, monitors, exit
 * signals, remote spawn by module URL, pg groups, node monitoring, plus cluster-wide names.
 */
export { startNatsNode } from './startNatsNode.js'
export type { NatsNode, NatsNodeOptions } from './startNatsNode.js'
export { natsNodeDefaults } from './natsDefaults.js'
export { forkNatsNodes } from './forkNatsNodes.js'
export type { ForkNatsNodesOptions, ForkedNatsNode } from './forkNatsNodes.js'
export { startLocalNatsServer, findNatsServer } from './localServer.js'
export type { LocalNatsServer, LocalNatsServerOptions } from './localServer.js'
export { NotEncodable, PayloadTooLarge, GlobalNameError } from './errors.js'
export { encodeValue, decodeValue } from './codec.js'
export type { NatsLogger } from './natsTransport.js'
export { decideInbound, decideClaim } from './inboundStream.js'
export type { InboundView, InboundDecision } from './inboundStream.js'
