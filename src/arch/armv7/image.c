/*
 * The hypervisor image's one program source: everything else comes from the
 * libraries (av_arch, av_core, av_vdev, av_lib). The entry point is _start in
 * boot.S; this reference pulls it and the vectors out of libav_arch.a.
 */
extern char _start[], hyp_vectors[];
void *const armvisor_entry_refs[] = {_start, hyp_vectors};
