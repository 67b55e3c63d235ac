import { Size } from 'cdk8s';
import { checkNonEmpty, fail, invalidInstance, orInvalid, raiseIfInvalid } from '../internal/errors';
import { gibibytesOf } from '../internal/units';

/**
 * A MIG profile such as `1g.10gb` or `3g.40gb` (`<compute slices>g.<memory>gb`).
 */
export class MigProfile {
  /**
   * A MIG profile by name, e.g. `MigProfile.of('1g.10gb')`.
   *
   * @param name the profile name, e.g. `1g.10gb`
   */
  public static of(name: string): MigProfile {
    return orInvalid(() => {
      const m = /^([1-7])g\.(\d+)gb(\+me)?$/.exec(typeof name === 'string' ? name : '');
      if (!m) fail('MigProfile.of', 'name', name, 'is not a MIG profile name', 'use <slices>g.<memory>gb, e.g. 1g.10gb or 3g.40gb');
      return new MigProfile(name, Number(m[1]), Number(m[2]));
    }, (e) => invalidInstance(MigProfile.prototype, e, ['name', 'computeSlices', '_memoryGb']));
  }

  private constructor(
    /** The profile name, e.g. `1g.10gb`. */
    public readonly name: string,
    /** Compute slices (1 to 7). */
    public readonly computeSlices: number,
    /** @internal memory of the slice in GB, as the profile name says */
    public readonly _memoryGb: number,
  ) {}

  /** Memory of the slice (the `<memory>gb` of the name; NVIDIA's nominal GB, counted here as GiB). */
  public get memory(): Size {
    return Size.gibibytes(this._memoryGb);
  }

  /** A readable form for messages and logs. */
  public toString(): string {
    return this.name;
  }
}

/** Per-product facts other tools name differently; internal to the placement resolver. */
interface ProductFacts {
  /** GKE's `cloud.google.com/gke-accelerator` value. */
  readonly gke?: string;
  /** Karpenter's `karpenter.k8s.aws/instance-gpu-name` value. */
  readonly karpenter?: string;
  /** Compute slices a MIG-enabled GPU splits into (7, or 4 on A30). */
  readonly migSlices?: number;
}

/** Options for {@link GpuProduct.of}. */
export interface GpuProductOptions {
  /**
   * The GPU memory (enables memory checks).
   *
   * @default - the preset's memory for a known name, else unknown
   */
  readonly memory?: Size;

  /**
   * The MIG profiles it supports, e.g. `['1g.10gb', '3g.40gb']`.
   *
   * @default - the preset's profiles for a known name, else none
   */
  readonly migProfiles?: string[];
}

/**
 * An NVIDIA GPU model as GPU Feature Discovery labels it
 * (`nvidia.com/gpu.product`), with its memory and MIG profiles.
 */
export class GpuProduct {
  /** NVIDIA A100 SXM4 40GB (GKE `nvidia-tesla-a100`, AWS p4d). */
  public static readonly A100_SXM4_40GB = new GpuProduct('NVIDIA-A100-SXM4-40GB', 40,
    ['1g.5gb', '1g.10gb', '2g.10gb', '3g.20gb', '4g.20gb', '7g.40gb'], { gke: 'nvidia-tesla-a100', karpenter: 'a100', migSlices: 7 });
  /** NVIDIA A100 SXM4 80GB (GKE `nvidia-a100-80gb`, AWS p4de). */
  public static readonly A100_SXM4_80GB = new GpuProduct('NVIDIA-A100-SXM4-80GB', 80,
    ['1g.10gb', '1g.20gb', '2g.20gb', '3g.40gb', '4g.40gb', '7g.80gb'], { gke: 'nvidia-a100-80gb', karpenter: 'a100', migSlices: 7 });
  /** NVIDIA A100 PCIe 80GB. */
  public static readonly A100_80GB_PCIE = new GpuProduct('NVIDIA-A100-80GB-PCIe', 80,
    ['1g.10gb', '1g.20gb', '2g.20gb', '3g.40gb', '4g.40gb', '7g.80gb'], { migSlices: 7 });
  /** NVIDIA H100 80GB HBM3 (SXM; GKE `nvidia-h100-80gb`, AWS p5). */
  public static readonly H100_80GB_HBM3 = new GpuProduct('NVIDIA-H100-80GB-HBM3', 80,
    ['1g.10gb', '1g.20gb', '2g.20gb', '3g.40gb', '4g.40gb', '7g.80gb'], { gke: 'nvidia-h100-80gb', karpenter: 'h100', migSlices: 7 });
  /** NVIDIA H200 141GB (GKE `nvidia-h200-141gb`, AWS p5e). */
  public static readonly H200 = new GpuProduct('NVIDIA-H200', 141,
    ['1g.18gb', '1g.35gb', '2g.35gb', '3g.71gb', '4g.71gb', '7g.141gb'], { gke: 'nvidia-h200-141gb', karpenter: 'h200', migSlices: 7 });
  /** NVIDIA A30 24GB. */
  public static readonly A30 = new GpuProduct('NVIDIA-A30', 24, ['1g.6gb', '2g.12gb', '4g.24gb'], { migSlices: 4 });
  /** NVIDIA L4 24GB (no MIG; GKE `nvidia-l4`, AWS g6). */
  public static readonly L4 = new GpuProduct('NVIDIA-L4', 24, [], { gke: 'nvidia-l4', karpenter: 'l4' });
  /** NVIDIA L40S 48GB (no MIG; AWS g6e). */
  public static readonly L40S = new GpuProduct('NVIDIA-L40S', 48, [], { karpenter: 'l40s' });
  /** NVIDIA A10G 24GB (AWS g5; no MIG). */
  public static readonly A10G = new GpuProduct('NVIDIA-A10G', 24, [], { karpenter: 'a10g' });
  /** NVIDIA Tesla T4 16GB (no MIG; GKE `nvidia-tesla-t4`, AWS g4dn). */
  public static readonly T4 = new GpuProduct('Tesla-T4', 16, [], { gke: 'nvidia-tesla-t4', karpenter: 't4' });

  /**
   * Any GPU by its `nvidia.com/gpu.product` label value. A known name
   * returns the preset (with its memory and MIG profiles).
   *
   * @param name the label value, e.g. `NVIDIA-L4`
   * @param options its memory and MIG profiles, if known
   */
  public static of(name: string, options: GpuProductOptions = {}): GpuProduct {
    return orInvalid(() => {
      const { memory, migProfiles } = options ?? {};
      checkNonEmpty('GpuProduct.of', 'name', name);
      if (typeof name !== 'string' || !/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name) || name.length > 63) {
        fail('GpuProduct.of', 'name', name, 'is not a valid node label value', 'use the nvidia.com/gpu.product label value, e.g. NVIDIA-L4');
      }
      for (const p of migProfiles ?? []) raiseIfInvalid(MigProfile.of(p));
      const known = KNOWN.find((p) => p.name === name);
      if (known && memory === undefined && migProfiles === undefined) return known;
      const memoryGb = memory ? gibibytesOf(memory) : known?._memoryGb;
      if (memoryGb !== undefined && !(memoryGb > 0)) fail('GpuProduct.of', 'memory', `${memoryGb}Gi`, 'is not positive', 'use the GPU memory, e.g. Size.gibibytes(24)');
      const slices = known?._facts.migSlices ?? ((migProfiles ?? []).length ? 7 : undefined);
      return new GpuProduct(name, memoryGb, [...(migProfiles ?? known?.migProfiles ?? [])], { ...(known?._facts ?? {}), migSlices: slices });
    }, (e) => invalidInstance(GpuProduct.prototype, e, ['name', '_memoryGb', 'migProfiles', '_facts']));
  }

  /** @internal whether `name` is one of the presets (the offerings table maps every preset it holds). */
  public static _isPreset(name: string): boolean {
    return KNOWN.some((p) => p.name === name);
  }

  /** @internal the known product GKE calls `accelerator`, if any. */
  public static _fromGkeAccelerator(accelerator: string): GpuProduct | undefined {
    return KNOWN.find((p) => p._facts.gke === accelerator);
  }

  private constructor(
    /** The `nvidia.com/gpu.product` label value. */
    public readonly name: string,
    /** @internal GPU memory in GiB (nominal), if known */
    public readonly _memoryGb: number | undefined,
    /** MIG profiles this GPU can be partitioned into. */
    public readonly migProfiles: string[],
    /** @internal */
    public readonly _facts: ProductFacts,
  ) {}

  /** GPU memory (nominal), if known. */
  public get memory(): Size | undefined {
    return this._memoryGb === undefined ? undefined : Size.gibibytes(this._memoryGb);
  }

  /**
   * Whether `profile` exists on this GPU.
   *
   * @param profile the MIG profile
   */
  public supportsMig(profile: MigProfile): boolean {
    return this.migProfiles.includes(profile.name);
  }

  /**
   * How many instances of `profile` one GPU holds (0 when the profile does
   * not exist on this GPU).
   * @param profile the MIG profile
   */
  public migInstancesPerGpu(profile: MigProfile): number {
    if (!this.supportsMig(profile)) return 0;
    return Math.floor((this._facts.migSlices ?? 7) / profile.computeSlices);
  }

  /** A readable form for messages and logs. */
  public toString(): string {
    return this.name;
  }
}

const KNOWN = [
  GpuProduct.A100_SXM4_40GB, GpuProduct.A100_SXM4_80GB, GpuProduct.A100_80GB_PCIE, GpuProduct.H100_80GB_HBM3, GpuProduct.H200,
  GpuProduct.A30, GpuProduct.L4, GpuProduct.L40S, GpuProduct.A10G, GpuProduct.T4,
];
