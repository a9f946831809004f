export { ScalingModule } from './scaling.module.js';
