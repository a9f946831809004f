export { ArtifactError, ArtifactStore } from './artifact-store.js';
