export * from './prices';
export * from '../assembly';
export * from './estimate';
export * from './usage';
export * from './report';
