export const DETECTORS_PACKAGE = '@palisade/detectors';
