/*
 * LD_PRELOAD shim that lets Debian's ipvsadm 1.31 run where the kernel has no IPVS, so its
 * argument parsing can be observed (tsvs goldens, see README.md).
 *
 * ipvsadm first tries generic netlink (fails: no "IPVS" family), then the socket-option
 * interface. This shim answers IP_VS_SO_GET_* as an empty IPVS 1.2.1 table (a single-service
 * lookup fails with ESRCH) and, for each IP_VS_SO_SET_* call, prints the structure it received
 * ("SHIM ..." lines on stderr) and succeeds, or fails with errno $SHIM_ERR when set.
 * Build: gcc -shared -fPIC -O1 -o shim.so shim.c -ldl
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <dlfcn.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <fcntl.h>
#define BASE 1152
/* The raw socket ipvsadm opens for the socket-option interface needs CAP_NET_RAW: hand out a
   harmless descriptor instead so the oracle runs unprivileged. */
int socket(int domain, int type, int protocol){
  static int (*real)(int,int,int);
  if(domain==AF_INET && type==SOCK_RAW && protocol==IPPROTO_RAW) return open("/dev/null", O_RDWR);
  if(!real) real=dlsym(RTLD_NEXT,"socket");
  return real(domain,type,protocol);
}
static void svc(const unsigned char *p){
  uint16_t proto; uint32_t addr, fw, flags, to, nm; uint16_t port; char sched[17]={0};
  memcpy(&proto,p,2); memcpy(&addr,p+4,4); memcpy(&port,p+8,2); memcpy(&fw,p+12,4);
  memcpy(sched,p+16,16); memcpy(&flags,p+32,4); memcpy(&to,p+36,4); memcpy(&nm,p+40,4);
  struct in_addr a={addr}, m={nm}; char ab[32], mb[32]; strcpy(ab,inet_ntoa(a)); strcpy(mb,inet_ntoa(m));
  fprintf(stderr,"SHIM svc proto=%u addr=%s port=%u fwmark=%u sched=%s flags=0x%x timeout=%u netmask=%s\n",
    proto,ab,ntohs(port),fw,sched,flags,to,mb);
}
static void dest(const unsigned char *p){
  uint32_t addr, cf, u, l; int32_t w; uint16_t port;
  memcpy(&addr,p,4); memcpy(&port,p+4,2); memcpy(&cf,p+8,4); memcpy(&w,p+12,4); memcpy(&u,p+16,4); memcpy(&l,p+20,4);
  struct in_addr a={addr};
  fprintf(stderr,"SHIM dest addr=%s port=%u conn_flags=0x%x weight=%d u=%u l=%u\n", inet_ntoa(a), ntohs(port), cf, w, u, l);
}
int setsockopt(int fd, int level, int name, const void *val, socklen_t len){
  static int (*real)(int,int,int,const void*,socklen_t);
  if(level==IPPROTO_IP && name>BASE && name<=BASE+15){
    const unsigned char *p=val;
    fprintf(stderr,"SHIM set %d len=%u\n", name-BASE, (unsigned)len);
    switch(name-BASE){
      case 2: case 3: case 4: case 15: svc(p); break;
      case 7: case 8: case 9: svc(p); dest(p+44); break;
      case 10: { int t[3]; memcpy(t,p,12); fprintf(stderr,"SHIM timeout %d %d %d\n",t[0],t[1],t[2]); break; }
      case 11: case 12: { int st, sid; char ifn[17]={0}; memcpy(&st,p,4); memcpy(ifn,p+4,16); memcpy(&sid,p+20,4);
        fprintf(stderr,"SHIM daemon state=%d ifn=%s syncid=%d\n",st,ifn,sid); break; }
    }
    char *e=getenv("SHIM_ERR"); if(e){ errno=atoi(e); return -1; }
    return 0;
  }
  if(!real) real=dlsym(RTLD_NEXT,"setsockopt");
  return real(fd,level,name,val,len);
}
int getsockopt(int fd, int level, int name, void *val, socklen_t *len){
  static int (*real)(int,int,int,void*,socklen_t*);
  if(level==IPPROTO_IP && name>=BASE && name<=BASE+7){
    memset(val,0,*len);
    unsigned *u=val;
    switch(name-BASE){
      case 0: case 1: u[0]=0x010201; u[1]=4096; u[2]=0; break;
      case 3: errno=ESRCH; return -1;
      case 6: { int *t=val; t[0]=900; t[1]=120; t[2]=300; break; }
    }
    return 0;
  }
  if(!real) real=dlsym(RTLD_NEXT,"getsockopt");
  return real(fd,level,name,val,len);
}
