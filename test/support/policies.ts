export * from './policies/index';
