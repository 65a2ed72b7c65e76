/**
 * A new claim many nodes mount (ReadWriteMany, ReadOnlyMany) that names no
 * StorageClass would get the cluster's default, block storage on EKS, GKE and
 * AKS, and stay Pending. Each profile names its file share class, or warns.
 */
import { App, Chart } from 'cdk8s';
import { render } from '../src/synth';
import {
  AccessMode,
  CloudProfile,
  ICloudProfile,
  PythonMicroservice,
  PythonWorker,
  Volume,
  WorkerCommand,
  WorkerLiveness,
} from './support/internals';
import { baseProps, find } from './support/synth';

/** The claim `media` and the warnings of a web service (and a worker sharing its claim) on `profile`. */
function synth(
  profile: ICloudProfile,
  claim: Parameters<typeof Volume.newClaim>[1] = { storage: '20Gi', accessMode: AccessMode.READ_WRITE_MANY },
) {
  const app = new App({ outdir: '/nonexistent' });
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  const media = Volume.newClaim('media', claim);
  const web = new PythonMicroservice(chart, 'inventory', baseProps({ profile, replicas: 1, mounts: [{ path: '/media', volume: media }] }));
  new PythonWorker(chart, 'inventory-worker', {
    app: web,
    command: WorkerCommand.command(['python', 'manage.py', 'rqworker']),
    liveness: WorkerLiveness.heartbeatFile('/tmp/beat'),
    mounts: [{ path: '/media', volume: media }],
  });
  const r = render([{ cloud: profile.cloud, app }]);
  const objects = [...(r.objects.get(profile.cloud) ?? [])] as any[];
  return { errors: r.errors, warnings: r.warnings, claim: objects.length ? find(objects, 'PersistentVolumeClaim', 'media') : undefined };
}

describe('claims many nodes mount get the profile’s file share class', () => {
  test.each([
    ['GKE (Filestore basic HDD, with the Filestore CSI driver)', CloudProfile.gke(), 'standard-rwx'],
    ['GKE Autopilot', CloudProfile.gke({ autopilot: true }), 'standard-rwx'],
    ['AKS (Azure Files)', CloudProfile.aks(), 'azurefile-csi'],
  ])('%s: a ReadWriteMany claim without a class gets the file share class, without a warning', (_c, profile, storageClass) => {
    const { errors, warnings, claim } = synth(profile);
    expect(errors).toEqual([]);
    expect(claim.spec.storageClassName).toBe(storageClass);
    expect(warnings.filter((w) => w.includes('storageClass'))).toEqual([]);
  });

  test('EKS builds in no EFS class: the claim keeps the default, with one warning from the workload that creates it, naming the fix', () => {
    const { errors, warnings, claim } = synth(CloudProfile.eks());
    expect(errors).toEqual([]);
    expect(claim.spec.storageClassName).toBeUndefined();
    expect(warnings).toEqual([
      "[eks] [shop/inventory] 'mounts[0].volume' is a new claim many nodes mount ('media', ReadWriteMany) without a storageClass. " +
        "EKS's default StorageClass is EBS block storage, which many nodes cannot mount, so the claim would stay Pending. " +
        'Install the EFS CSI driver, create a StorageClass for your EFS file system (provisioner efs.csi.aws.com, provisioningMode: efs-ap, fileSystemId: fs-...), ' +
        "and name it: CloudProfile.eks({ sharedFileStorageClass: 'efs-sc' }), or storageClass on the claim.",
    ]);
  });

  test.each([
    ['eks', CloudProfile.eks({ sharedFileStorageClass: 'efs-sc' }), 'efs-sc'],
    ['gke', CloudProfile.gke({ sharedFileStorageClass: 'enterprise-rwx' }), 'enterprise-rwx'],
    ['aks', CloudProfile.aks({ sharedFileStorageClass: 'azurefile-csi-premium' }), 'azurefile-csi-premium'],
  ])('%s: sharedFileStorageClass names the class', (_c, profile, storageClass) => {
    const { warnings, claim } = synth(profile);
    expect(claim.spec.storageClassName).toBe(storageClass);
    expect(warnings).toEqual([]);
  });

  test('the claim’s own storageClass wins; a ReadWriteOnce claim is no file share (and two workloads on one is refused)', () => {
    expect(
      synth(CloudProfile.gke(), { storage: '1Ti', accessMode: AccessMode.READ_WRITE_MANY, storageClass: 'premium-rwx' }).claim.spec
        .storageClassName,
    ).toBe('premium-rwx');
    const eks = synth(CloudProfile.eks(), { storage: '1Ti', accessMode: AccessMode.READ_WRITE_MANY, storageClass: 'efs-sc' });
    expect(eks.warnings).toEqual([]);
    // One replica per workload but two workloads: the ReadWriteOnce check refuses it; the class is not the concern here.
    expect(synth(CloudProfile.aks(), { storage: '1Gi' }).errors[0]).toContain("is a ReadWriteOnce claim ('media')");
  });

  test('a read-only-many claim is a file share too', () => {
    expect(synth(CloudProfile.aks(), { storage: '1Gi', accessMode: AccessMode.READ_ONLY_MANY }).claim.spec.storageClassName).toBe(
      'azurefile-csi',
    );
  });

  test('a bad class name is refused, naming the profile option', () => {
    expect(synth(CloudProfile.eks({ sharedFileStorageClass: 'EFS SC' })).errors).toContainEqual(
      expect.stringContaining("'profile.sharedFileStorageClass' must be"),
    );
  });
});
