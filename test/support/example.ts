import * as path from 'path';
import { Construct } from 'constructs';
import { Cloud, IMAGES, TARGETS, defineShop, shopApp } from '../../examples/shop/shop';
import { Rendering } from '../../src/synth';
import { yamlDocuments } from './worker-cache';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '..', '..');

/** The example's target folders, e.g. `prod/eks`. */
export const TARGET_FOLDERS = TARGETS.map((t) => `${t.environment}/${t.cloud}`);

/**
 * Renders the example app for every target, in memory, with its container and
 * delivery files. No environment variable is read: `env` stands in for CI's.
 */
export function renderExample(env: { readonly [name: string]: string } = {}): Rendering {
  return shopApp({ env }).render();
}

/** Every object of one target's rendering, parsed back from its YAML. */
export function objectsOf(rendering: Rendering, folder: string): any[] {
  return [...rendering.files]
    .filter(([file]) => file.startsWith(`${folder}/`) && file.endsWith('.yaml') && !file.endsWith('kustomization.yaml'))
    .flatMap(([, text]) => yamlDocuments(text));
}

/** The clouds the example's prod environment runs on. */
export const PROD_CLOUDS: Cloud[] = ['eks', 'gke', 'aks'];

/** Defines the example's prod shop for one cloud under `scope`, with the images written in code. */
export function prodShop(cloud: Cloud): (scope: Construct) => void {
  return (scope) => defineShop(scope, { cloud, environment: 'prod', image: (service) => IMAGES![service].image });
}
