/**
 * GPUs: {@link io.meso.executor.gpu.NvidiaGpus} finds them with {@code nvidia-smi};
 * {@link io.meso.executor.gpu.GpuAllocator} gives each task asking for {@code gpus} specific
 * indices (told to it as CUDA_VISIBLE_DEVICES and NVIDIA_VISIBLE_DEVICES, recorded in its
 * checkpoint so a restarted agent keeps them taken); {@link io.meso.executor.gpu.GpuDeviceCgroup}
 * denies the task the other GPUs' device files in a cgroups v1 devices cgroup when the host has one.
 */
package io.meso.executor.gpu;
