// The box algebra is part of the model (parsers use it too, e.g. to evaluate NAT chains); the
// engine re-exports it so engine and rule code keep one import path.
export * from '../model/box.js';
