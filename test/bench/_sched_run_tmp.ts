import { createRecorder } from './harness.js'
import { goals } from './goals.js'
import { benchScheduler } from './scheduler.js'
const t = performance.now()
await benchScheduler(createRecorder({}, goals))
console.log('took', ((performance.now() - t) / 1000).toFixed(1), 's')
