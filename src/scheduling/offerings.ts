import { GpuProduct } from './gpu-product';

/** The maker of an accelerator, as far as placement is concerned. */
export type AcceleratorVendor = 'NVIDIA' | 'AMD' | 'AWS Neuron' | 'Intel Gaudi' | 'Google TPU';

/** What every node of a pool holds, when the pool's instance type says so. */
export interface PoolOffering {
  /** The accelerator maker. */
  readonly vendor: AcceleratorVendor;
  /** The accelerator, for messages (e.g. "NVIDIA L4"). */
  readonly accelerator: string;
  /** The GPU product, when the library knows it (`nvidia.com/gpu.product` value). */
  readonly product?: GpuProduct;
  /** Where the offering comes from, for messages (e.g. `EC2 instance family "g6"`). */
  readonly source: string;
}

type Row = [AcceleratorVendor, string, GpuProduct | undefined];

/**
 * EC2 accelerated instance families and their accelerators (one kind per
 * family). Source: AWS, "Accelerated computing instances"
 * (https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html), 2026-11.
 */
const EC2_FAMILIES: Record<string, Row> = {
  'p3': ['NVIDIA', 'NVIDIA V100', undefined],
  'p3dn': ['NVIDIA', 'NVIDIA V100', undefined],
  'p4d': ['NVIDIA', 'NVIDIA A100 40GB', GpuProduct.A100_SXM4_40GB],
  'p4de': ['NVIDIA', 'NVIDIA A100 80GB', GpuProduct.A100_SXM4_80GB],
  'p5': ['NVIDIA', 'NVIDIA H100', GpuProduct.H100_80GB_HBM3],
  'p5e': ['NVIDIA', 'NVIDIA H200', GpuProduct.H200],
  'p5en': ['NVIDIA', 'NVIDIA H200', GpuProduct.H200],
  'p6-b200': ['NVIDIA', 'NVIDIA B200', undefined],
  'g4dn': ['NVIDIA', 'NVIDIA T4', GpuProduct.T4],
  'g5': ['NVIDIA', 'NVIDIA A10G', GpuProduct.A10G],
  'g5g': ['NVIDIA', 'NVIDIA T4G', undefined],
  'g6': ['NVIDIA', 'NVIDIA L4', GpuProduct.L4],
  'gr6': ['NVIDIA', 'NVIDIA L4', GpuProduct.L4],
  'g6e': ['NVIDIA', 'NVIDIA L40S', GpuProduct.L40S],
  'g4ad': ['AMD', 'AMD Radeon Pro V520', undefined],
  'dl1': ['Intel Gaudi', 'Intel Gaudi (Habana)', undefined],
  'inf1': ['AWS Neuron', 'AWS Inferentia', undefined],
  'inf2': ['AWS Neuron', 'AWS Inferentia2', undefined],
  'trn1': ['AWS Neuron', 'AWS Trainium', undefined],
  'trn1n': ['AWS Neuron', 'AWS Trainium', undefined],
  'trn2': ['AWS Neuron', 'AWS Trainium2', undefined],
};

/**
 * Azure GPU VM sizes (the `node.kubernetes.io/instance-type` of an AKS
 * node), matched by series. Source: Microsoft, "GPU optimized virtual
 * machine sizes" (https://learn.microsoft.com/azure/virtual-machines/sizes/overview#gpu-accelerated), 2026-11.
 */
const AZURE_SERIES: Array<[RegExp, Row]> = [
  [/^Standard_NC\d+s_v3$/, ['NVIDIA', 'NVIDIA V100', undefined]],
  [/^Standard_NC\d+as_T4_v3$/, ['NVIDIA', 'NVIDIA T4', GpuProduct.T4]],
  [/^Standard_NC\d+ads_A100_v4$/, ['NVIDIA', 'NVIDIA A100 80GB PCIe', GpuProduct.A100_80GB_PCIE]],
  [/^Standard_ND96asr_v4$/, ['NVIDIA', 'NVIDIA A100 40GB', GpuProduct.A100_SXM4_40GB]],
  [/^Standard_ND96amsr_A100_v4$/, ['NVIDIA', 'NVIDIA A100 80GB', GpuProduct.A100_SXM4_80GB]],
  [/^Standard_NC\d+ads_H100_v5$/, ['NVIDIA', 'NVIDIA H100 NVL', undefined]],
  [/^Standard_ND96isr_H100_v5$/, ['NVIDIA', 'NVIDIA H100', GpuProduct.H100_80GB_HBM3]],
  [/^Standard_ND96isr_H200_v5$/, ['NVIDIA', 'NVIDIA H200', GpuProduct.H200]],
  [/^Standard_NV\d+ads_A10_v5$/, ['NVIDIA', 'NVIDIA A10', undefined]],
  [/^Standard_NC\d+ads_A10_v4$/, ['NVIDIA', 'NVIDIA A10', undefined]],
  [/^Standard_NV\d+as_v4$/, ['AMD', 'AMD Radeon Instinct MI25', undefined]],
  [/^Standard_NV\d+ads_V710_v5$/, ['AMD', 'AMD Radeon Pro V710', undefined]],
  [/^Standard_ND96isr_MI300X_v5$/, ['AMD', 'AMD Instinct MI300X', undefined]],
];

/** The accelerators of an EC2 instance family, if the table knows it. */
export function ec2FamilyOffering(family: string): PoolOffering | undefined {
  const row = Object.prototype.hasOwnProperty.call(EC2_FAMILIES, family) ? EC2_FAMILIES[family] : undefined;
  return row && { vendor: row[0], accelerator: row[1], product: row[2], source: `EC2 instance family "${family}"` };
}

/** The accelerators of an Azure VM size, if the table knows its series. */
export function azureVmOffering(vmSize: string): PoolOffering | undefined {
  const row = AZURE_SERIES.find(([re]) => re.test(vmSize))?.[1];
  return row && { vendor: row[0], accelerator: row[1], product: row[2], source: `Azure VM size "${vmSize}"` };
}

/**
 * GKE attaches only NVIDIA GPUs through `cloud.google.com/gke-accelerator`
 * (TPUs use other labels). Source: Google Cloud, "About GPUs in GKE"
 * (https://cloud.google.com/kubernetes-engine/docs/concepts/gpus), 2026-11.
 */
export function gkeOffering(accelerator: string, product: GpuProduct | undefined): PoolOffering {
  return { vendor: 'NVIDIA', accelerator: product ? product.name : accelerator, product, source: `GKE accelerator "${accelerator}"` };
}

/** The vendor of an extended resource, by its well-known device plugin prefix. */
export function vendorOfResource(resourceName: string): AcceleratorVendor | undefined {
  if (resourceName.startsWith('nvidia.com/')) return 'NVIDIA';
  if (resourceName.startsWith('amd.com/')) return 'AMD';
  if (resourceName.startsWith('aws.amazon.com/neuron')) return 'AWS Neuron';
  if (resourceName.startsWith('habana.ai/')) return 'Intel Gaudi';
  if (resourceName.startsWith('google.com/tpu')) return 'Google TPU';
  return undefined;
}
