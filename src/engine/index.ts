/**
 * The engine, made reachable by stagepack itself: a Docker engine with BuildKit (./docker), base images
 * for the templates' FROM lines (./base-images), a package index when PyPI is out of reach
 * (./package-index) and local OCI registries (./registry). `test`, `publish` and the test suite ask for
 * the pieces they need; on a machine with Docker and the internet, each finds what it needs and does nothing.
 */
export { ensureDocker } from './docker';
export { EngineError, engineLog, type EngineLog } from './log';
